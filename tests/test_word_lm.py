"""The general word model: best-segmentation scoring, finding and fetching it, clause windows.

``WordNgram`` is tested on a hand-written word ARPA (kenlm loads ARPA as well as its
binary form), so every expected log10 probability below is worked out by hand. The
fetch reads a small fake ``.deb`` through a ``file://`` address; only the last test
reads the real Debian model (``make test`` gets it with ``textrepair fetch``).
"""

from __future__ import annotations

import hashlib
import io
import lzma
import tarfile
from pathlib import Path

import pytest

from textrepair.build import wordlm as fetch_wordlm
from textrepair.errors import ModelError, TextrepairError
from textrepair.lm import words
from textrepair.lm.words import WordNgram
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.repair import GlyphCorrector, clause_starts, clause_window
from textrepair.search import Option

_CFG = OcrConfig()

ARPA = """\\data\\
ngram 1=8
ngram 2=3

\\1-grams:
-1.0\t<unk>\t0
-99\t<s>\t-0.5
-1.0\t</s>\t0
-0.5\t休息\t-0.2
-1.2\t休\t-0.3
-1.3\t息\t0
-0.9\t树林\t-0.1
-1.5\t林\t0

\\2-grams:
-0.3\t树林\t休息
-0.2\t<s>\t树林
-0.1\t休息\t</s>

\\end\\
"""


@pytest.fixture(scope="module")
def arpa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wordlm") / "tiny.arpa"
    path.write_text(ARPA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(arpa: Path) -> WordNgram:
    return WordNgram(arpa)


def test_the_best_segmentation_is_scored(tiny: WordNgram) -> None:
    assert tiny.order == 2 and "休息" in tiny and "树" not in tiny
    assert tiny.logprob("休息") == pytest.approx(-0.5)  # one word beats 休 + 息 (-1.2 - 0.3 - 1.3)
    assert tiny.logprob("息休") == pytest.approx(-1.3 - 1.2)
    # the bigram 树林 休息 carries its context; 树 (unknown) + 林 + 休息 is worse (-1.0 - 1.5 - 0.5)
    assert tiny.logprob("树林休息") == pytest.approx(-0.9 - 0.3)
    assert tiny.logprob("龘") == pytest.approx(-1.0)  # a character outside the vocabulary is <unk>
    assert tiny.logprob("") == 0.0


def test_clause_edges_are_scored_from_s_and_to_end_s(tiny: WordNgram) -> None:
    assert tiny.logprob("树林休息", bos=True) == pytest.approx(-0.2 - 0.3)
    assert tiny.logprob("树林休息", bos=True, eos=True) == pytest.approx(-0.2 - 0.3 - 0.1)
    assert tiny.logprob("休", eos=True) == pytest.approx(
        -1.2 + (-0.3 - 1.0)
    )  # </s> after 休 backs off


def test_words_longer_than_max_word_are_not_used(arpa: Path) -> None:
    singles = WordNgram(arpa, max_word=1)
    # 树 <unk>, 林 after <unk>, 休 after 林, 息 after 休 (back-off -0.3)
    assert singles.logprob("树林休息") == pytest.approx(-1.0 - 1.5 - 1.2 - 0.3 - 1.3)


def test_an_unreadable_model_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lm"
    bad.write_text("not a language model", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot load the word model"):
        WordNgram(bad)


# --------------------------------------------------------------------------- finding and fetching


def test_the_environment_variable_wins_and_a_missing_model_warns(
    arpa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(words.ENV, str(arpa))
    assert words.find_word_model() == arpa
    monkeypatch.setenv(words.ENV, str(tmp_path / "absent.lm"))
    assert words.find_word_model() is None
    words.load_word_model.cache_clear()
    try:
        with pytest.warns(UserWarning, match="textrepair fetch"):
            assert words.load_word_model() is None
    finally:
        words.load_word_model.cache_clear()


def _fake_deb(path: Path, payload: bytes, member: str = "zh_CN.lm") -> str:
    """A minimal .deb (an ar archive: debian-binary, control.tar.xz, data.tar.xz) holding
    *payload* where Debian's package holds the model; its SHA-256."""

    def tar_xz(files: dict[str, bytes]) -> bytes:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as tar:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return lzma.compress(raw.getvalue())

    members = {
        "debian-binary": b"2.0\n",
        "control.tar.xz": tar_xz({"./control": b"Package: x\n"}),
        "data.tar.xz": tar_xz({f"./usr/lib/x86_64-linux-gnu/libime/{member}": payload}),
    }
    out = b"!<arch>\n"
    for name, data in members.items():
        header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}`\n".encode()
        out += header + data + (b"\n" if len(data) % 2 else b"")
    path.write_bytes(out)
    return hashlib.sha256(out).hexdigest()


def test_fetch_unpacks_the_pinned_package_and_checks_both_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = b"a kenlm binary"
    deb = tmp_path / "served.deb"
    monkeypatch.setattr(fetch_wordlm, "DEB_URL", deb.as_uri())
    monkeypatch.setattr(fetch_wordlm, "DEB_SHA256", _fake_deb(deb, payload))
    monkeypatch.setattr(fetch_wordlm, "SHA256", hashlib.sha256(payload).hexdigest())
    out = tmp_path / "home" / "zh_CN.lm"
    assert fetch_wordlm.fetch(out) == out and out.read_bytes() == payload
    monkeypatch.setattr(fetch_wordlm, "SHA256", "0" * 64)  # the model inside is not the pinned one
    with pytest.raises(TextrepairError, match="not the pinned model"):
        fetch_wordlm.fetch(tmp_path / "other.lm")
    assert not (tmp_path / "other.lm").exists() and not list(tmp_path.glob("*.partial"))
    monkeypatch.setattr(fetch_wordlm, "DEB_SHA256", "0" * 64)  # the package is not the pinned one
    with pytest.raises(TextrepairError, match="SHA-256"):
        fetch_wordlm.fetch(tmp_path / "other.lm")


def test_a_package_without_the_model_or_a_failed_download_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deb = tmp_path / "served.deb"
    monkeypatch.setattr(fetch_wordlm, "DEB_URL", deb.as_uri())
    monkeypatch.setattr(fetch_wordlm, "DEB_SHA256", _fake_deb(deb, b"x", member="other.lm"))
    with pytest.raises(TextrepairError, match="holds no libime/zh_CN.lm"):
        fetch_wordlm.fetch(tmp_path / "zh_CN.lm")
    monkeypatch.setattr(fetch_wordlm, "DEB_URL", (tmp_path / "absent.deb").as_uri())
    with pytest.raises(TextrepairError, match="could not download"):
        fetch_wordlm.fetch(tmp_path / "zh_CN.lm")
    with pytest.raises(TextrepairError, match="not an ar archive"):
        fetch_wordlm.extract_model(b"PK not a deb")


# --------------------------------------------------------------------------- clause windows in the
# corrector


def test_clauses_start_after_anything_but_whitespace() -> None:
    text = "医保局）\n（四）突出 县级,医院2025年"
    positions = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
    han = "".join(text[p] for p in positions)
    assert han == "医保局四突出县级医院年"
    # 四 after （, 突 after ）, 医 after the comma, 年 after 2025; 县 only after a column space
    assert clause_starts(text, positions) == {3, 4, 8, 10}


def test_a_window_stops_at_clause_edges() -> None:
    assert clause_window(5, 20, set(), 3) == (2, 9)
    assert clause_window(5, 20, {4, 7}, 3) == (4, 7)
    assert clause_window(5, 20, {5}, 3) == (5, 9)  # the character starts its clause
    assert clause_window(1, 3, set(), 6) == (0, 3)


class _Spy:
    """A usage model that records what it is asked and prefers one character."""

    def __init__(self, liked: str) -> None:
        self.liked = liked
        self.calls: list[tuple[str, bool, bool]] = []

    def logprob(self, text: str, bos: bool = False, eos: bool = False) -> float:
        self.calls.append((text, bos, eos))
        return float(text.count(self.liked))

    def logprob_many(
        self, prefix: str, middles: list[str], suffix: str, bos: bool = False, eos: bool = False
    ) -> list[float]:
        return [self.logprob(prefix + m + suffix, bos, eos) for m in middles]


def test_usage_sees_the_clause_of_a_decision_only() -> None:
    from textrepair.lm import Model, estimate
    from textrepair.ocr.confusion import ConfusionTable

    spy = _Spy("休")
    c = GlyphCorrector(
        Model(ngram_model=estimate(["他在树林里休息"] * 4, 3)),
        ConfusionTable([]),
        words=spy,
        config=OcrConfig(lexicon_weight=0.5),
    )
    han = "甲乙丙丁戊木息己庚辛壬癸子丑"
    k = han.index("木")
    slots = [[Option(ch)] for ch in han]
    slots[k] = [Option("木"), Option("休", -4.0)]
    weighed = c._weigh_usage(han, slots, {4, 8})
    assert spy.calls == [("戊木息己", True, True), ("戊休息己", True, True)]
    assert weighed[k][1].cost == pytest.approx(-4.0 + 0.5 * 1.0)
    spy.calls.clear()
    c._weigh_usage(
        han, slots
    )  # no clause edge near: _CFG.lexicon_window characters either side, inside the text
    assert _CFG.lexicon_window < k < len(han) - _CFG.lexicon_window - 1
    assert spy.calls[0] == (
        han[k - _CFG.lexicon_window : k + _CFG.lexicon_window + 1],
        False,
        False,
    )


def test_the_shipped_word_model_knows_general_usage() -> None:
    if words.find_word_model() is None:
        pytest.skip("the Debian word model is not installed (make wordlm)")
    model = words.load_word_model()
    assert model is not None
    assert model.logprob("他在公园里散步") > model.logprob("他在公园里敢步") + 2
    assert model.logprob("我们明天去学校", eos=True) > model.logprob("我们明天去学桉", eos=True) + 2


def test_many_middles_score_as_separate_calls(arpa: Path) -> None:
    import random

    rng = random.Random(7)
    alphabet = "树林休息龘"
    for max_word in (1, 2, 4):
        model = WordNgram(arpa, max_word=max_word)
        for _ in range(200):
            prefix, suffix = ("".join(rng.choices(alphabet, k=rng.randint(0, 5))) for _ in range(2))
            middles = ["".join(rng.choices(alphabet, k=rng.randint(1, 2))) for _ in range(3)]
            bos, eos = rng.random() < 0.5, rng.random() < 0.5
            alone = [model.logprob(prefix + m + suffix, bos, eos) for m in middles]
            assert model.logprob_many(prefix, middles, suffix, bos, eos) == pytest.approx(
                alone, abs=1e-9
            )


def _best_segmentation(model: WordNgram, text: str, bos: bool, eos: bool) -> float:
    """Every segmentation of *text* scored with kenlm's own sentence scoring: the exact best."""
    import kenlm

    lm = kenlm.Model(str(model.path))

    def splits(s: str) -> list[list[str]]:
        if not s:
            return [[]]
        return [
            [s[:j], *rest]
            for j in range(1, min(len(s), model.max_word) + 1)
            if j == 1 or s[:j] in lm
            for rest in splits(s[j:])
        ]

    return max(lm.score(" ".join(words), bos=bos, eos=eos) for words in splits(text))


def test_scores_are_the_best_of_every_segmentation(arpa: Path) -> None:
    import random

    rng = random.Random(11)
    model = WordNgram(arpa)
    alphabet = "树林休息龘"
    for _ in range(150):
        prefix, suffix = ("".join(rng.choices(alphabet, k=rng.randint(0, 5))) for _ in range(2))
        middles = ["".join(rng.choices(alphabet, k=rng.randint(1, 2))) for _ in range(4)]
        bos, eos = rng.random() < 0.5, rng.random() < 0.5
        exact = [_best_segmentation(model, prefix + m + suffix, bos, eos) for m in middles]
        assert model.logprob_many(prefix, middles, suffix, bos, eos) == pytest.approx(
            exact, abs=1e-5
        )


def test_a_long_suffix_is_searched_without_recursion(tiny: WordNgram) -> None:
    suffix = "树林休息" * 400  # deeper than the recursion limit: a boundary per character
    (score,) = tiny.logprob_many("休", ["息"], suffix, eos=True)
    assert score == pytest.approx(tiny.logprob("休息" + suffix, eos=True), abs=1e-6)


def _both_ways(model: WordNgram, *args: object) -> tuple[list[float], list[float]]:
    model.compiled = False  # an instance attribute: the class keeps the default
    try:
        python_way = model.logprob_many(*args)  # type: ignore[arg-type]
    finally:
        del model.compiled
    return model.logprob_many(*args), python_way  # type: ignore[arg-type]


def test_the_compiled_search_scores_as_the_python_one(tiny: WordNgram) -> None:
    for args in (
        ("", ["休息"], "", True, True),
        ("树林", ["休", "息", "休息", ""], "树", False, True),
        ("休", [""], "", False, False),
        ("x树林", ["息休", "林树林"], "休息树林", True, False),
    ):
        compiled, python_way = _both_ways(tiny, *args)
        assert compiled == python_way


def test_the_compiled_search_on_the_real_model() -> None:
    import random

    from textrepair.corpus import files_with_role, read_text

    model = words.load_word_model()
    if model is None:
        pytest.skip("the general word model is not fetched")
    text = read_text(files_with_role("train")[0])
    rng = random.Random(5)
    for _ in range(300):
        a = rng.randrange(len(text) - 30)
        pl, ml, sl = rng.randint(0, 8), rng.randint(0, 3), rng.randint(0, 8)
        middles = [text[a + pl : a + pl + ml]] + [
            "".join(rng.choice(text[a : a + 40]) for _ in range(rng.randint(0, 3)))
            for _ in range(rng.randint(0, 12))
        ]
        args = (text[a : a + pl], middles, text[a + pl + ml : a + pl + ml + sl])
        bos, eos = rng.random() < 0.3, rng.random() < 0.3
        compiled, python_way = _both_ways(model, *args, bos, eos)
        assert compiled == python_way


def test_a_long_suffix_is_searched_by_python(tiny: WordNgram) -> None:
    suffix = "休息树林" * (words.KERNEL_MAX_SUFFIX // 4 + 1)  # the compiled search recurses
    compiled, python_way = _both_ways(tiny, "树林", ["休", "息"], suffix, False, True)
    assert compiled == python_way
