"""The detector in front of the glyph search: a character read inside text the models have seen
(:attr:`OcrConfig.attested_order`) gets no candidates."""

from __future__ import annotations

from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector

PHRASES = ["他在树林里休息", "河边的树木旁边有小河"]
MODEL = Model(ngram_model=estimate([p for _ in range(6) for p in PHRASES], 4))
TABLE = ConfusionTable([("木", "休", 0.5, "whole"), ("木", "林", 0.6, "whole")])


def test_a_character_inside_seen_text_is_taken_as_read() -> None:
    c = GlyphCorrector(MODEL, TABLE)
    clean = "河边的树木旁边有小河"
    k = clean.index("木")
    assert c.attested(clean)[k]  # 的树木 and 树木旁 are both in the model
    assert c.candidates_at(clean, k) == set()
    assert not any(c.attested(clean)[:2])  # no trigram ends at the first two characters ...
    assert not c.attested(clean)[-1]  # ... and the last has no right neighbour to vouch for it


def test_a_misreading_keeps_its_candidates() -> None:
    c = GlyphCorrector(MODEL, TABLE)
    damaged = "他在树林里木息"
    k = damaged.index("木")
    assert c.attested(damaged)[k - 1] is False  # 林里木: a trigram nobody wrote, ending at 木's
    assert not c.attested(damaged)[k]  # left neighbour's right one
    assert {"休", "林"} <= c.candidates_at(damaged, k)


def test_off_every_character_has_its_candidates() -> None:
    off = GlyphCorrector(MODEL, TABLE, config=OcrConfig(attested_order=0))
    clean = "河边的树木旁边有小河"
    assert not any(off.attested(clean))
    assert "休" in off.candidates_at(clean, clean.index("木"))
    # taken as read or not, clean text is left as it is
    for c in (off, GlyphCorrector(MODEL, TABLE)):
        assert c.correct("他在树林里休息。河边的树木旁边有小河。") == []


def test_an_order_beyond_the_models_takes_nothing_as_read() -> None:
    deep = GlyphCorrector(MODEL, TABLE, config=OcrConfig(attested_order=MODEL.order + 1))
    assert not any(deep.attested("河边的树木旁边有小河"))


def test_a_flagged_characters_neighbours_keep_a_subset_of_their_candidates() -> None:
    """``run_slack``: the neighbours of a flagged character keep the candidates within it of the
    screen; with more slack they keep more, never others, and never fewer than far from a flag."""
    import math

    from textrepair.ocr.confusion import ConfusionTable

    table = ConfusionTable(
        [(a, b, 0.5, "whole") for a in "木林树" for b in "休林木树息边" if a != b]
    )
    han = "他在树林里木息河边的树木旁边有小河"
    from textrepair.usage import GeneralWords

    def screened(slack: float, **kw: object) -> list[set[str]]:
        c = GlyphCorrector(MODEL, table, config=OcrConfig(run_slack=slack), **kw)  # type: ignore[arg-type]
        return [{o.text for o in slot} for slot in c._screen(c.lm, han)]

    kept = {slack: screened(slack) for slack in (0.0, 2.0, 4.0, math.inf)}
    for narrow, wide in ((0.0, 2.0), (2.0, 4.0), (4.0, math.inf)):
        assert all(a <= b for a, b in zip(kept[narrow], kept[wide]))
    assert sum(map(len, kept[math.inf])) > sum(map(len, kept[0.0]))
    # with general usage, a window narrower than its slack (2) is the usage slack's
    words = GeneralWords({"休息": 60, "树林": 20, "河边": 20})
    assert screened(0.0, words=words) == screened(2.0, words=words)


def test_bigram_neighbours_are_what_each_character_was_seen_beside() -> None:
    import random

    from textrepair.ocr.repair import bigram_neighbours

    rng = random.Random(7)
    bigrams = ["".join(rng.choice("甲乙丙丁戊己𠀀𪚥") for _ in range(2)) for _ in range(60)]
    succ: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for a, b in bigrams:
        succ.setdefault(a, set()).add(b)
        pred.setdefault(b, set()).add(a)
    found = bigram_neighbours([*bigrams, "x", "", "甲乙丙"])  # not bigrams: left out
    assert found.succ == succ and found.pred == pred
    assert bigram_neighbours([]) == ({}, {})
