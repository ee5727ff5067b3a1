"""General usage in the glyph decision: jieba's words over the best segmentation.

``GeneralWords`` is tested on hand-made frequency tables (exact probabilities);
the corrector tests use a tiny character model and tiny tables, and the shipped
jieba dictionary only where a test says so.
"""

from __future__ import annotations

import math

import pytest

from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector
from textrepair.search import Option
from textrepair.usage import GeneralWords, jieba_dictionary

_CFG = OcrConfig()

FREQ = {"休息": 60, "休": 10, "息": 10, "木": 10, "木息休": 0, "树林里休息": 10}  # total 100


def test_logprob_is_the_best_segmentation_under_word_frequencies() -> None:
    words = GeneralWords(FREQ)
    assert words.logprob("") == 0.0
    assert words.logprob("休息") == pytest.approx(math.log10(0.6))  # one word beats 休+息 (0.01)
    assert words.logprob("息休") == pytest.approx(2 * math.log10(0.1))
    assert words.logprob("木息") == pytest.approx(2 * math.log10(0.1))
    # a character outside the dictionary counts as a word of frequency 1
    assert words.logprob("龘") == pytest.approx(math.log10(0.01))
    assert words.logprob("龘休息") == pytest.approx(math.log10(0.01) + math.log10(0.6))
    # a zero frequency is no word (jieba's prefix entries): 木息休 falls back to single characters
    assert words.logprob("木息休") == pytest.approx(3 * math.log10(0.1))


def test_words_longer_than_max_word_are_not_used() -> None:
    assert GeneralWords(FREQ, max_word=5).logprob("树林里休息") == pytest.approx(math.log10(0.1))
    short = GeneralWords(FREQ).logprob("树林里休息")  # default 4: 树 林 里 unknown, then 休息
    assert short == pytest.approx(3 * math.log10(0.01) + math.log10(0.6))


def test_the_default_is_jiebas_dictionary() -> None:
    words = GeneralWords()
    assert words.freq is jieba_dictionary()
    assert words.logprob("发展改革") > words.logprob("又展改革") + 2
    assert words.logprob("分布") > words.logprob("分巾")


# --------------------------------------------------------------------------- in the corrector

PHRASES = ["他在树林里休息", "树木旁边有小河"]
MODEL = Model(ngram_model=estimate([p for _ in range(6) for p in PHRASES], 4))
TABLE = ConfusionTable([("木", "休", 0.5, "whole"), ("木", "林", 0.6, "whole")])


def test_each_remaining_replacement_gains_the_weighted_usage_difference() -> None:
    words = GeneralWords(FREQ)
    c = GlyphCorrector(MODEL, TABLE, words=words)
    han = "他在树林里木息"
    k = han.index("木")
    slots = [[Option(ch, 0.0)] for ch in han]
    slots[k] = [Option("木", 0.0), Option("休", -4.0), Option("林", -3.5)]
    weighed = c._weigh_usage(han, slots)
    left, right = han[max(0, k - _CFG.lexicon_window) : k], han[k + 1 : k + 1 + _CFG.lexicon_window]
    base = words.logprob(left + "木" + right)
    assert weighed[k][0] == Option("木", 0.0)  # keeping is never reweighed
    assert weighed[k][1].cost == pytest.approx(
        -4.0 + _CFG.lexicon_weight * (words.logprob(left + "休" + right) - base)
    )
    assert weighed[k][2].cost == pytest.approx(
        -3.5 + _CFG.lexicon_weight * (words.logprob(left + "林" + right) - base)
    )
    assert weighed[k][1].cost > -4.0  # 休息 is a word, 木息 is not
    assert [s for i, s in enumerate(weighed) if i != k] == [
        s for i, s in enumerate(slots) if i != k
    ]


def test_without_words_or_weight_nothing_is_reweighed() -> None:
    slots = [[Option("木", 0.0), Option("休", -4.0)]]
    assert GlyphCorrector(MODEL, TABLE)._weigh_usage("木", slots) == slots
    assert (
        GlyphCorrector(
            MODEL, TABLE, words=GeneralWords(FREQ), config=OcrConfig(lexicon_weight=0.0)
        )._weigh_usage("木", slots)
        == slots
    )


def test_usage_decides_where_the_tiny_model_alone_does_not() -> None:
    damaged = "他在树林里木息。"
    assert GlyphCorrector(MODEL, TABLE).correct(damaged) == []
    (edit,) = GlyphCorrector(MODEL, TABLE, words=GeneralWords(FREQ)).correct(damaged)
    assert (edit.offset, edit.old, edit.new, edit.reason) == (5, "木", "休", "glyph")
    # and clean text stays as it is with either
    for c in (GlyphCorrector(MODEL, TABLE), GlyphCorrector(MODEL, TABLE, words=GeneralWords())):
        assert c.correct("他在树林里休息。树木旁边有小河。") == []


def test_usage_at_a_clause_edge_has_its_own_weight() -> None:
    words = GeneralWords(FREQ)
    c = GlyphCorrector(
        MODEL, TABLE, words=words, config=OcrConfig(lexicon_weight=0.5, lexicon_edge_weight=0.9)
    )
    opts = [Option("木", 0.0), Option("休", -4.0)]

    def weighed_cost(han: str, k: int, clauses: set[int]) -> float:
        slots = [[Option(ch)] for ch in han]
        slots[k] = opts
        return c._weigh_usage(han, slots, clauses)[k][1].cost

    def delta(before: str, after: str, bos: bool, eos: bool) -> float:
        base, alt = words.logprob_many(before, ["木", "休"], after, bos, eos)
        return alt - base

    # 木 starts the clause 木息里 (a clause starts at index 2): the edge weight
    assert weighed_cost("他在木息里", 2, {2}) == pytest.approx(
        -4.0 + 0.9 * delta("", "息里", True, True)
    )
    # inside a clause: the usual weight
    assert weighed_cost("他在木息里", 2, set()) == pytest.approx(
        -4.0 + 0.5 * delta("他在", "息里", True, True)
    )
    # a clause of one character (a marker such as （四）): the usual weight,
    # the word model sees only <s> X </s>
    assert weighed_cost("他在木息里", 2, {2, 3}) == pytest.approx(
        -4.0 + 0.5 * delta("", "", True, True)
    )


def test_a_replacement_just_below_the_screen_survives_only_if_usage_lifts_it() -> None:
    han = "他在树林里木息"
    k = han.index("木")
    probe = GlyphCorrector(MODEL, TABLE)
    n = probe.lm.order - 1
    window = han[k - n : k], han[k + 1 : k + 1 + n]
    fixed, kept = probe.lm.score(
        [window[0] + "休" + window[1], window[0] + "木" + window[1]], bos=False, eos=False
    )
    # an error rate that leaves 休 half a unit below the screen's margin on the LM alone
    rate = (
        _CFG.screen_margin
        - 0.5
        - float(fixed - kept)
        - probe.config.similarity_weight * math.log10(0.5)
    )

    def survivors(
        words: GeneralWords | None = None, usage_slack: float = _CFG.usage_slack
    ) -> list[str]:
        c = GlyphCorrector(
            MODEL,
            TABLE,
            words=words,
            config=OcrConfig(log_error_rate=rate, usage_slack=usage_slack),
        )
        return [o.text for o in c._screen(c.lm, han)[k]]

    assert survivors() == ["木"]  # no usage: screened out
    lift = _CFG.lexicon_weight * (
        GeneralWords(FREQ).logprob("他在树林里休息") - GeneralWords(FREQ).logprob("他在树林里木息")
    )
    assert 0.5 < lift < _CFG.usage_slack  # 休息 is a word: usage lifts 休 over the margin
    assert "休" in survivors(words=GeneralWords(FREQ))
    assert survivors(words=GeneralWords(FREQ), usage_slack=0.0) == [
        "木"
    ]  # without the slack it never gets the chance
    neutral = {"休": 10, "息": 10, "木": 10}  # no word 休息: usage says nothing for 休
    assert survivors(words=GeneralWords(neutral)) == ["木"]
