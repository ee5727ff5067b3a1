"""GlyphCorrector with an IDS parts table: keep cost of rare glyphs, part candidates, end to end.

Everything is built in the test: a tiny character model trained on a few
repeated phrases and tiny confusion and parts tables, so no shipped table or
model is involved (the general character counts come from jieba's dictionary).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector
from textrepair.usage import GeneralWords, general_char_counts

_CFG = OcrConfig()

PHRASES = ["我们在森林里散步", "他在树林里休息", "他在树木里休息", "树木旁边有小河"]
TRAIN = [p for _ in range(6) for p in PHRASES] + ["小河旁边有树木", "我们在小河旁边散步"]
ORDER = 4

# observed part -> true character, share (as in models/parts.tsv)
PART_ROWS = [
    ("木", "林", 0.5, "part"),
    ("木", "森", 0.5, "part"),
    ("木", "休", 0.5, "part"),
    ("木", "相", 0.5, "part"),  # never in training: no candidate
    ("林", "森", 0.5, "part"),
    ("亻", "休", 0.5, "part"),
    ("口", "河", 0.333, "part"),
]
# a look-alike table unrelated to the phrases
WHOLE_ROWS = [("夭", "天", 0.8, "whole"), ("末", "未", 0.9, "whole")]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(ngram_model=estimate(TRAIN, ORDER))


@pytest.fixture(scope="module")
def corrector(model: Model) -> GlyphCorrector:
    return GlyphCorrector(model, ConfusionTable(WHOLE_ROWS), parts=ConfusionTable(PART_ROWS))


@pytest.fixture(scope="module")
def usage(model: Model) -> GlyphCorrector:
    """The corrector as shipped weighs general usage in: the tiny LM alone does not pay the
    prior."""
    return GlyphCorrector(
        model, ConfusionTable(WHOLE_ROWS), parts=ConfusionTable(PART_ROWS), words=GeneralWords()
    )


@pytest.fixture(scope="module")
def plain(model: Model) -> GlyphCorrector:
    return GlyphCorrector(model, ConfusionTable(WHOLE_ROWS))


# --------------------------------------------------------------------------- keep_cost


def test_keep_cost_is_free_for_characters_the_model_knows(
    corrector: GlyphCorrector, model: Model
) -> None:
    for ch in "森林树木散步":
        assert ch in model
        assert corrector.keep_cost(ch) == 0.0
    counts = general_char_counts()
    assert "旁" in model and counts["旁"] > 0
    assert corrector.keep_cost("旁") == 0.0


def test_keep_cost_is_free_for_common_characters_the_model_lacks(
    corrector: GlyphCorrector, model: Model
) -> None:
    counts = general_char_counts()
    for ch in "的是了":
        assert ch not in model
        assert counts[ch] > 100_000
        assert corrector.keep_cost(ch) == 0.0


def test_keep_cost_is_negative_for_rare_unseen_glyphs_and_more_so_when_rarer(
    corrector: GlyphCorrector,
) -> None:
    counts = general_char_counts()
    ranked = sorted(counts.values(), reverse=True)
    common = ranked[corrector.config.rare_rank - 1]
    assert counts["龘"] == 0 and counts["鬱"] == 0
    assert counts["爨"] > 0 and counts["鼋"] > counts["爨"]
    for ch in "龘鬱爨鼋":
        assert corrector.keep_cost(ch) == pytest.approx(math.log10((counts[ch] + 1) / common))
    assert corrector.keep_cost("龘") < corrector.keep_cost("爨") < corrector.keep_cost("鼋") < 0.0
    assert corrector.keep_cost("龘") == corrector.keep_cost("鬱") < -3.0
    # the keep option of a character carries its keep cost
    assert corrector.options("龘")[0].text == "龘"
    assert corrector.options("龘")[0].cost == corrector.keep_cost("龘")


def test_keep_cost_threshold_follows_rare_rank(model: Model) -> None:
    counts = general_char_counts()
    strict = GlyphCorrector(model, ConfusionTable(WHOLE_ROWS), config=OcrConfig(rare_rank=10))
    assert "的" not in model
    # 的 is among the most frequent few dozen characters, but not the top 10
    ranked = sorted(counts, key=lambda c: -counts[c])
    assert 10 < ranked.index("的") < 1500
    assert strict.keep_cost("的") == pytest.approx(
        math.log10((counts["的"] + 1) / counts[ranked[9]])
    )
    assert strict.keep_cost("的") < 0.0
    assert strict.keep_cost("在") == 0.0  # known to the model
    assert GlyphCorrector(model, ConfusionTable(WHOLE_ROWS)).keep_cost("的") == 0.0


# --------------------------------------------------------------------------- part_options


def part_cost(share: float) -> float:
    return _CFG.log_error_rate + _CFG.similarity_weight * math.log10(share) + _CFG.log_part_prior


def test_part_options_need_the_candidate_seen_next_to_a_neighbour(
    corrector: GlyphCorrector,
) -> None:
    # 森木里: 林 was seen after 森 (and before 里); 休 only after 里, 森 only before 林
    opts = corrector.part_options("木", "森", "里")
    assert [o.text for o in opts] == ["林"]
    assert opts[0].cost == pytest.approx(part_cost(0.5))
    # 里木息: 休 seen after 里 and before 息
    assert [o.text for o in corrector.part_options("木", "里", "息")] == ["休"]
    # 在木林: 森 seen after 在 (left) and before 林 (right)
    assert [o.text for o in corrector.part_options("木", "在", "林")] == ["森"]
    # the left neighbour alone suffices, and so does the right one alone
    assert [o.text for o in corrector.part_options("木", "在", "")] == ["森"]
    assert [o.text for o in corrector.part_options("木", "", "林")] == ["森"]
    # both neighbours give candidates: all of them, sorted
    assert [o.text for o in corrector.part_options("木", "森", "息")] == ["休", "林"]


def test_part_options_are_empty_without_context(corrector: GlyphCorrector) -> None:
    assert corrector.part_options("木", "", "") == []
    assert (
        corrector.part_options("木", "我", "们") == []
    )  # neither neighbour was ever next to 林/森/休
    assert (
        corrector.part_options("木", "河", "边") == []
    )  # 河 is followed by 旁, not by a candidate


def test_part_options_never_offer_unknown_or_the_observed_character(model: Model) -> None:
    rows = PART_ROWS + [("林", "林", 1.0, "part"), ("木", "木", 1.0, "part")]
    corrector = GlyphCorrector(model, ConfusionTable(WHOLE_ROWS), parts=ConfusionTable(rows))
    # 林 follows 树 and 森: it would be "seen next to" its left neighbour
    assert [o.text for o in corrector.part_options("林", "森", "里")] == []
    assert [o.text for o in corrector.part_options("木", "树", "旁")] == ["林"]
    assert [o.text for o in corrector.part_options("木", "树", "里")] == ["林"]
    # 相 is a listed candidate of 木 but the model never saw it
    assert "相" not in model
    for left, right in [("森", "里"), ("树", "旁"), ("在", "林"), ("里", "息")]:
        texts = [o.text for o in corrector.part_options("木", left, right)]
        assert "木" not in texts and "相" not in texts
    # an observed character without parts rows has no candidates
    assert corrector.part_options("河", "小", "旁") == []


def test_part_options_are_empty_without_a_parts_table(plain: GlyphCorrector) -> None:
    assert plain.parts is None
    assert plain.part_options("木", "森", "里") == []
    assert plain.part_options("木", "里", "息") == []


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize(
    ("clean", "damaged"),
    [
        ("我们在森林里散步。", "我们在森木里散步。"),  # 林 lost its left 木
        ("他在树林里休息。", "他在树林里木息。"),  # 休 lost 亻
        ("我们在森林里散步。", "我们在木林里散步。"),  # 森 lost its top 木
    ],
)
def test_a_part_read_for_the_whole_is_corrected(
    usage: GlyphCorrector,
    clean: str,
    damaged: str,
    assert_one_glyph_fix: Callable[[GlyphCorrector, str, str], None],
) -> None:
    assert_one_glyph_fix(usage, clean, damaged)


def test_without_the_parts_table_the_part_is_left_alone(plain: GlyphCorrector) -> None:
    # 木 has no look-alike rows: only the parts table could restore the character
    assert plain.correct("我们在森木里散步。") == []


@pytest.mark.parametrize(
    "clean",
    [
        "我们在森林里散步。",
        "他在树林里休息。",
        "树木旁边有小河。",  # 木 after 树: 林 is a part candidate (树林 was seen) and must lose
        "他在树木里休息。",  # 树林里 is as likely as 树木里: only the channel prior keeps 木
        "小河旁边有树木。\n\n我们在小河旁边散步。",
    ],
)
def test_clean_text_gets_no_edit(
    corrector: GlyphCorrector, usage: GlyphCorrector, clean: str
) -> None:
    assert corrector.correct(clean) == []
    assert usage.correct(clean) == []


def test_the_clean_candidate_case_really_offers_a_part(corrector: GlyphCorrector) -> None:
    # the do-no-harm case above is a real decision: 林 competes with the genuine 木 of 树木
    assert [o.text for o in corrector.part_options("木", "树", "旁")] == ["林"]
    assert [o.text for o in corrector.part_options("木", "树", "里")] == ["林"]


def test_part_candidates_work_with_a_bigram_model_and_two_character_units() -> None:
    # neighbours come from the model's bigrams, so an order-2 model and a pair seen
    # only as a whole two-character unit still give candidates
    bigram = Model(ngram_model=estimate(["森林", "森林", "小河"], 2))
    c = GlyphCorrector(bigram, ConfusionTable(WHOLE_ROWS), parts=ConfusionTable(PART_ROWS))
    assert [o.text for o in c.part_options("木", "森", "")] == ["林"]
    assert [o.text for o in c.part_options("木", "", "林")] == ["森"]
