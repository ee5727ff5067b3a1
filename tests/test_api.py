"""The public API: detect, restore/repair dispatch, load_model caching, thread safety, public
surface.

Damage is simulated by code on the clean drafts (a held-out draft damaged with a
drop set taken from another draft, or with the OCR simulator). The national
witnesses are used for format-level checks only (their detected kind).
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import regex

import textrepair
from textrepair import api, noise
from textrepair.corpus import CORPORA_DIR, files_with_role, read_text
from textrepair.edits import apply_edits
from textrepair.lm import estimate, write_arpa
from textrepair.normalize import paragraphs

HAN = regex.compile(r"\p{Han}")
DRAFTS = files_with_role("train")
DROPPED_WITNESS = files_with_role("witness-dropped")
OCR_WITNESS = files_with_role("witness-ocr")


def drop_set_from(path: Path, n: int = 40) -> list[str]:
    """The *n* most frequent Han characters of another draft (a drop set made by code)."""
    return [c for c, _ in Counter(HAN.findall(read_text(path))).most_common(n)]


def other(draft: Path) -> Path:
    return DRAFTS[(DRAFTS.index(draft) + 1) % len(DRAFTS)]


def check_detection(d: api.Detection, kind: str) -> None:
    assert d.kind == kind, d
    assert 0.0 <= d.confidence <= 1.0, d


# --------------------------------------------------------------------------- detect
def test_witnesses_exist() -> None:
    assert len(DRAFTS) == 3 and len(DROPPED_WITNESS) == 1 and len(OCR_WITNESS) == 1


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.stem)
def test_detect_clean_drafts(draft: Path) -> None:
    check_detection(textrepair.detect(read_text(draft)), "clean")


def test_detect_dropped_witness() -> None:
    check_detection(textrepair.detect(read_text(DROPPED_WITNESS[0])), "dropped")


def test_detect_ocr_witness() -> None:
    check_detection(textrepair.detect(read_text(OCR_WITNESS[0])), "ocr")


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.stem)
def test_detect_simulated_drop_of_held_out_draft(draft: Path) -> None:
    damaged = noise.drop(read_text(draft), drop_set_from(other(draft)))
    check_detection(textrepair.detect(damaged), "dropped")
    # one paragraph alone too
    para = max(paragraphs(read_text(draft)), key=len)
    check_detection(textrepair.detect(noise.drop(para, drop_set_from(other(draft)))), "dropped")


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.stem)
def test_detect_simulated_ocr_of_held_out_draft(draft: Path) -> None:
    text = read_text(draft)
    damaged, _ = noise.ocr(text, rate=0.01, rng=random.Random(1), wrap_every=14, halfwidth=True)
    check_detection(textrepair.detect(damaged), "ocr")
    para = max(paragraphs(text), key=len)
    damaged_para, _ = noise.ocr(
        para, rate=0.01, rng=random.Random(2), wrap_every=14, halfwidth=True
    )
    check_detection(textrepair.detect(damaged_para), "ocr")


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "Hello, world (1.2).", "abc 123, x: y; z!", "中", " 中\n", "１２３"],
)
def test_detect_trivial_inputs_are_clean(text: str) -> None:
    check_detection(textrepair.detect(text), "clean")


def test_detect_returns_detection() -> None:
    d = textrepair.detect(read_text(DRAFTS[0]))
    assert isinstance(d, textrepair.Detection)
    with pytest.raises(AttributeError):
        d.kind = "ocr"  # type: ignore[misc]  # frozen


# --------------------------------------------------------------------------- restore / repair
@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.stem)
def test_restore_without_kind_returns_clean_text_unchanged(draft: Path) -> None:
    raw = draft.read_bytes()
    text = raw.decode("utf-8")
    out = textrepair.restore(text)
    assert out.encode("utf-8") == raw
    result = textrepair.repair(text)
    assert result == textrepair.Repair(text, "clean", [])


def test_restore_without_kind_dispatches_on_detect() -> None:
    draft = DRAFTS[0]
    para = max(paragraphs(read_text(draft)), key=len)
    dropped = noise.drop(para, drop_set_from(other(draft)))
    ocr, _ = noise.ocr(para, rate=0.02, rng=random.Random(3), wrap_every=14, halfwidth=True)
    for damaged, kind in ((dropped, "dropped"), (ocr, "ocr")):
        auto = textrepair.repair(damaged)
        assert auto.kind == kind
        assert auto == textrepair.repair(damaged, kind=kind)  # type: ignore[arg-type]
        assert textrepair.restore(damaged) == auto.text
        assert auto.text != damaged
    # the OCR repair at least joins the column wraps and widens the punctuation
    assert " " not in textrepair.restore(ocr) and "," not in textrepair.restore(ocr)


def test_repair_returns_repair_with_edits() -> None:
    para = max(paragraphs(read_text(DRAFTS[1])), key=len)
    damaged, _ = noise.ocr(para, rate=0.0, rng=random.Random(0), wrap_every=14, halfwidth=True)
    result = textrepair.repair(damaged, kind="ocr")
    assert isinstance(result, textrepair.Repair)
    assert result.kind == "ocr"
    assert result.text == para
    assert result.edits and all(isinstance(e, textrepair.Edit) for e in result.edits)
    text, kind, edits = result.text, result.kind, result.edits
    assert (text, kind, edits) == (para, "ocr", result.edits)


def test_repair_clean_kind_is_identity() -> None:
    damaged = noise.drop(read_text(DRAFTS[0])[:300], drop_set_from(DRAFTS[1]))
    assert textrepair.repair(damaged, kind="clean") == textrepair.Repair(damaged, "clean", [])


@pytest.mark.parametrize("kind", ["OCR", "drop", "auto", "", "garbage"])
def test_unknown_kind_raises_input_error(kind: str) -> None:
    with pytest.raises(textrepair.InputError, match="unknown kind"):
        textrepair.repair("中文", kind=kind)  # type: ignore[arg-type]
    with pytest.raises(textrepair.InputError):
        textrepair.restore("中文", kind=kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, b"\xe4\xb8\xad", 3, ["中"]])
def test_non_str_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        textrepair.repair(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        textrepair.restore(value, kind="ocr")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- load_model
def test_load_model_is_cached() -> None:
    m = textrepair.load_model()
    assert textrepair.load_model() is m
    assert textrepair.load_model(api.DEFAULT_MODEL) is m
    assert textrepair.load_model(str(api.DEFAULT_MODEL)) is m
    assert isinstance(m, textrepair.Model)


def test_load_model_relative_path_is_the_same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    m = textrepair.load_model()
    monkeypatch.chdir(api.DEFAULT_MODEL.parent)
    assert textrepair.load_model(api.DEFAULT_MODEL.name) is m


def test_load_model_missing_raises_model_error() -> None:
    with pytest.raises(textrepair.ModelError, match="/nonexistent") as info:
        textrepair.load_model("/nonexistent")
    assert "not found" in str(info.value)
    assert isinstance(info.value, textrepair.TextrepairError)


def test_repair_accepts_model_object_and_path() -> None:
    para = max(paragraphs(read_text(DRAFTS[2])), key=len)
    damaged, _ = noise.ocr(para, rate=0.02, rng=random.Random(9), wrap_every=14, halfwidth=True)
    by_default = textrepair.repair(damaged, kind="ocr")
    assert textrepair.repair(damaged, kind="ocr", model=textrepair.load_model()) == by_default
    assert textrepair.repair(damaged, kind="ocr", model=api.DEFAULT_MODEL) == by_default
    with pytest.raises(textrepair.ModelError):
        textrepair.repair(damaged, kind="ocr", model="/nonexistent")


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lm") / "tiny.arpa"
    write_arpa(estimate(["甲乙丙甲乙", "乙丙丁", "甲丁丙乙"], 3), path)
    return path


def test_model_loads_once_under_concurrent_first_calls(
    monkeypatch: pytest.MonkeyPatch, tiny_model_path: Path
) -> None:
    """The api docstring: "loading is guarded by a lock so concurrent first calls do not load
    twice".

    A fresh path (nothing cached), four threads released together; a slow load (0.2 s)
    makes the race deterministic. Expected: one load, one shared object.
    """
    loads: list[Path] = []
    real_load = api._load

    def slow_load(path: str) -> textrepair.Model:
        # counted here, not in Model(): a first load also writes the binary cache copy
        loads.append(Path(path))
        time.sleep(0.2)
        return real_load(path)

    monkeypatch.setattr(api, "_load", slow_load)
    barrier = threading.Barrier(4)

    def load(_: int) -> textrepair.Model:
        barrier.wait()
        return textrepair.load_model(tiny_model_path)

    with ThreadPoolExecutor(4) as pool:
        models = list(pool.map(load, range(4)))
    assert len(loads) == 1, f"loaded {len(loads)} times"
    assert all(m is models[0] for m in models)


def test_load_model_of_another_path_is_cached_separately(tiny_model_path: Path) -> None:
    tiny = textrepair.load_model(tiny_model_path)
    assert tiny is textrepair.load_model(str(tiny_model_path))
    assert tiny is not textrepair.load_model()
    assert tiny.order == 3


# --------------------------------------------------------------------------- thread safety
def test_concurrent_restore_matches_sequential() -> None:
    draft = DRAFTS[0]
    paras = sorted(paragraphs(read_text(draft)), key=len)
    dropped = noise.drop(paras[-3], drop_set_from(other(draft)))
    ocr, _ = noise.ocr(paras[-4], rate=0.02, rng=random.Random(6), wrap_every=14, halfwidth=True)
    ocr2, _ = noise.ocr(
        max(paragraphs(read_text(DRAFTS[1])), key=len),
        rate=0.02,
        rng=random.Random(7),
        wrap_every=14,
    )
    clean = paras[-5]
    inputs = [dropped, ocr, clean, ocr2]
    expected = [textrepair.restore(x) for x in inputs]
    assert expected[2] == clean and expected[0] != dropped and expected[1] != ocr

    jobs = inputs * 4
    random.Random(1).shuffle(jobs)
    want = {x: e for x, e in zip(inputs, expected)}
    for _ in range(2):
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(textrepair.restore, jobs))
        assert got == [want[x] for x in jobs]


# --------------------------------------------------------------------------- public surface
def test_all_names_exist() -> None:
    assert textrepair.__all__
    for name in textrepair.__all__:
        assert hasattr(textrepair, name), name
    for name in ("restore", "repair", "detect", "load_model", "Repair", "Edit", "Detection"):
        assert name in textrepair.__all__


def test_public_functions_are_documented() -> None:
    for fn in (textrepair.restore, textrepair.repair, textrepair.detect, textrepair.load_model):
        assert fn.__doc__ and fn.__annotations__, fn.__name__


def test_py_typed_ships_in_package() -> None:
    pkg = Path(textrepair.__file__).resolve().parent
    assert (pkg / "py.typed").is_file()
    setup_cfg = (pkg.parent / "setup.cfg").read_text(encoding="utf-8")
    assert regex.search(
        r"\[options\.package_data\][^\[]*textrepair\s*=\s*[^\n]*py\.typed", setup_cfg
    )


def test_corpora_dir_is_the_repository_folder() -> None:
    assert CORPORA_DIR.is_dir() and api.DEFAULT_MODEL.is_file()


def test_per_drop_set_resources_are_bounded() -> None:
    """A batch over many dropped documents (each its own drop set) must not grow memory without
    bound."""
    model = textrepair.load_model()
    for k in range(api.PER_DROP_SET_CACHE + 3):
        api.dropped_restorer(model, ["的", "和", chr(0x4E00 + k)])
    assert len(api._per_drop_set) <= api.PER_DROP_SET_CACHE
    # the most recent one is still cached
    last = api.dropped_restorer(model, ["的", "和", chr(0x4E00 + api.PER_DROP_SET_CACHE + 2)])
    assert last is api.dropped_restorer(
        model, ["的", "和", chr(0x4E00 + api.PER_DROP_SET_CACHE + 2)]
    )


def test_preload_builds_the_glyph_corrector_that_ocr_repair_then_reuses() -> None:
    from textrepair.ocr import repair as ocr_repair

    ocr_repair._corrector.cache_clear()
    model = api.preload()
    assert ocr_repair._corrector.cache_info().currsize == 2  # the tables alone, the channel's
    corrector = ocr_repair.make_corrector(model)
    assert (
        corrector.words is not None and corrector.glyphs is not None
    )  # the tables forked workers inherit
    learnt = ocr_repair.make_corrector(model, channel="tesseract")
    assert learnt.channel is not None
    # what they would build on first use is built, once for both: workers inherit it
    assert "_neighbours" in vars(corrector) and "_similarity_curve" in vars(learnt)
    assert corrector._neighbours is learnt._neighbours
    textrepair.repair("我们在树林里散步，他在树下休息。", kind="ocr")
    info = ocr_repair._corrector.cache_info()
    assert info.currsize == 2 and info.misses == 2  # the repair found the preloaded correctors


def test_preload_freezes_only_when_asked() -> None:
    import gc

    assert gc.get_freeze_count() == 0
    api.preload()
    assert gc.get_freeze_count() == 0  # a program's collector is its own
    try:
        model = api.preload(freeze=True)
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        assert textrepair.restore("我们在树林里散步，他在树下休息。", kind="ocr", model=model)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("kind", ["dropped", "ocr"])
def test_crlf_line_ends_repair_as_lf_ones_and_stay(kind: str) -> None:
    draft = DRAFTS[0]
    paras = paragraphs(read_text(draft))[:12]
    if kind == "dropped":
        lf = "\n".join(noise.drop(p, drop_set_from(other(draft))) for p in paras) + "\n"
    else:
        lf, _ = noise.ocr(
            "\n\n".join(paras), rate=0.01, rng=random.Random(3), wrap_every=14, halfwidth=True
        )
    crlf = lf.replace("\n", "\r\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = textrepair.repair(lf, kind=kind)  # type: ignore[arg-type]
        windows = textrepair.repair(crlf, kind=kind)  # type: ignore[arg-type]
    assert plain.edits  # something to repair
    assert windows.text == plain.text.replace("\n", "\r\n")
    assert apply_edits(crlf, windows.edits) == windows.text
    assert len(windows.edits) == len(plain.edits)


def test_carriage_returns_in_a_run_before_a_line_end() -> None:
    text = "国家" + "\r" * 3000 + "\n政府\r\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = textrepair.repair(text, kind="ocr")
    assert result.text.count("\r") == text.count("\r")
    assert apply_edits(text, result.edits) == result.text


@pytest.mark.parametrize("drop_set", [{"管理"}, {"的", " "}, ["的", 1], {"a"}])
def test_a_drop_set_of_other_than_single_han_characters_is_refused(drop_set: object) -> None:
    dropped = noise.drop("国家卫生健康委员会负责管理医疗服务", {"的", "理"})
    with pytest.raises(textrepair.InputError, match="single Han characters"):
        textrepair.repair(dropped, kind="dropped", drop_set=drop_set)  # type: ignore[arg-type]


def test_a_drop_set_string_counts_as_its_characters() -> None:
    dropped = noise.drop("国家卫生健康委员会负责管理医疗服务", {"的", "理"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        as_text = textrepair.repair(dropped, kind="dropped", drop_set="的理")
        as_set = textrepair.repair(dropped, kind="dropped", drop_set={"的", "理"})
    assert as_text == as_set
