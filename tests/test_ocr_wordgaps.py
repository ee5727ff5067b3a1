"""Candidates from a general lexicon (:mod:`textrepair.ocr.wordgaps`): what a word of three or
four characters has in a reading's place, around its neighbours as read."""

from __future__ import annotations

import math

from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector
from textrepair.ocr.wordgaps import WordGaps

LEXICON = WordGaps(["全覆盖", "覆盖面", "实现", "收获", "电子邮件", "函件"])


def test_every_place_of_a_word_can_be_the_gap() -> None:
    assert LEXICON.middles("获覆盖") == ["全", "", ""]  # the gap first ...
    assert LEXICON.middles("全获盖") == ["", "覆", ""]  # ... in the middle ...
    assert LEXICON.middles("全覆获") == ["", "", "盖"]  # ... last
    assert LEXICON.middles("电子函件")[2] == ""  # 函件 is a word as read: usage, not a misreading
    assert LEXICON.middles("电子鱼件")[2] == "邮"
    assert len(LEXICON) == 3 + 3 + 4  # one entry per word and place; two-character words have none


def test_characters_outside_the_lexicon_never_match() -> None:
    assert LEXICON.middles("全獭盖")[1] == "覆"  # the reading itself may be anything
    assert LEXICON.middles("龘获盖") == ["", "", ""]  # its neighbours must be the word's
    assert LEXICON.middles("") == [] and LEXICON.middles("全") == [""]


class _General(GlyphCorrector):
    """A corrector that takes every document for general usage (the tiny model has no word counts
    to tell)."""

    def reads_general(self, text: str) -> bool:
        return True


PHRASES = ["我们实现全覆盖", "覆盖面很大"]
MODEL = Model(ngram_model=estimate([p for _ in range(6) for p in PHRASES], 3))
TABLE = ConfusionTable([])


def test_the_corrector_offers_them_on_general_text_only() -> None:
    han = "我们实现全获盖"
    k = han.index("获")
    config = OcrConfig(word_gap_cost=-6.0)
    on = _General(MODEL, TABLE, config, lexicon=lambda: LEXICON)
    assert "覆" in on.candidates_at(han, k)
    assert "覆" not in GlyphCorrector(MODEL, TABLE, config, lexicon=lambda: LEXICON).candidates_at(
        han, k
    )
    assert "覆" not in _General(MODEL, TABLE, config).candidates_at(han, k)  # no lexicon, no gaps
    default = _General(MODEL, TABLE, lexicon=lambda: LEXICON)  # off unless asked for
    assert OcrConfig().word_gap_cost == -math.inf and "覆" not in default.candidates_at(han, k)
    # the LM judges the candidate like any other (the tiny model's gain pays a cost of 10^-2)
    cheap = _General(MODEL, TABLE, OcrConfig(word_gap_cost=-2.0), lexicon=lambda: LEXICON)
    (edit,) = cheap.correct(han + "。")
    assert (edit.offset, edit.old, edit.new) == (k, "获", "覆")
    assert on.correct(han + "。") == []  # at 10^-6 its gain (3.4) is not enough


def test_not_asked_with_a_learnt_channel() -> None:
    from collections import Counter

    from textrepair.ocr.channel import Channel

    han = "我们实现全获盖"
    channel = Channel(Counter({("覆", "覆"): 100, ("盖", "盖"): 100}))
    learnt = _General(
        MODEL, TABLE, OcrConfig(word_gap_cost=-6.0), channel=channel, lexicon=lambda: LEXICON
    )
    assert learnt._word_gaps(han, True) == [""] * len(han)
    tables = _General(MODEL, TABLE, OcrConfig(word_gap_cost=-6.0), lexicon=lambda: LEXICON)
    assert tables._word_gaps(han, True)[han.index("获")] == "覆"
