"""Damage simulators: the dropped format's properties and the OCR simulator's bookkeeping."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textrepair import noise
from textrepair.corpus import files_with_role, read_text
from textrepair.normalize import han_only, is_han

#: A small block of CJK ideographs, so random words share characters with the drop set.
HAN_CHARS = [chr(c) for c in range(0x4E00, 0x4E20)]
words_st = st.lists(st.text(alphabet=HAN_CHARS, min_size=1, max_size=5), max_size=40)
drop_st = st.sets(st.sampled_from(HAN_CHARS), max_size=16)


def slash_segment(text: str) -> list[str]:
    """A tiny segmenter for hand-made inputs: words are separated by ``/``."""
    return text.split("/")


def shifted(ch: str) -> str:
    return chr(ord(ch) + 1)


def fake_confusions(text: str) -> dict[str, list[tuple[str, float]]]:
    """A confusion mapping made by code: every Han character of *text* may read as its successor
    code point."""
    return {c: [(shifted(c), 1.0)] for c in set(han_only(text))}


def gaps(damaged: str) -> list[int]:
    return [len(m) for m in re.findall(r" +", damaged)]


# --------------------------------------------------------------------------- drop


def test_hand_checked_example() -> None:
    text = "甲乙/丙/丁戊，/己12ab\n庚/辛壬。"
    damaged, truth = noise.drop_with_truth(text, {"丙", "戊", "辛", "壬"}, segment=slash_segment)
    # 甲乙 | 丙 (all dropped: 5 spaces) | 丁(戊) | 己 | 庚 | 辛壬 (dropped at the end: no trace)
    assert damaged == "甲 乙     丁   己   庚"
    assert truth == "甲乙丙丁戊己庚辛壬"


def test_consecutive_empty_words_add_two_spaces_each() -> None:
    assert noise.drop("甲/乙/丙/丁", {"乙", "丙"}, segment=slash_segment) == "甲" + " " * 7 + "丁"


def test_punctuation_and_digits_leave_no_gap() -> None:
    assert noise.drop("甲乙，（2025）/丙", set(), segment=slash_segment) == "甲 乙   丙"


@settings(max_examples=200, deadline=None)
@given(words=words_st, drop_set=drop_st)
def test_drop_format_properties(words: list[str], drop_set: set[str]) -> None:
    damaged, truth = noise.drop_with_truth("/".join(words), drop_set, segment=slash_segment)
    assert truth == "".join(words)
    assert set(damaged) <= set(HAN_CHARS) | {" "}
    assert damaged == damaged.strip(" ")
    assert all(g == 1 or (g >= 3 and g % 2 == 1) for g in gaps(damaged))
    assert not set(damaged) & drop_set
    assert damaged.replace(" ", "") == "".join(c for c in truth if c not in drop_set)


@settings(max_examples=200, deadline=None)
@given(words=words_st, drop_set=drop_st)
def test_gaps_count_the_missing_words(words: list[str], drop_set: set[str]) -> None:
    kept_words = [w for w in words if set(w) - drop_set]
    empty_between = [0] * max(len(kept_words) - 1, 0)
    k = -1
    for w in words:
        if set(w) - drop_set:
            k += 1
        elif 0 <= k < len(empty_between):
            empty_between[k] += 1
    damaged = noise.drop("/".join(words), drop_set, segment=slash_segment)
    word_gaps = [g for g in gaps(damaged) if g >= 3]
    assert word_gaps == [3 + 2 * e for e in empty_between]


def test_drop_on_a_draft_is_one_line_of_short_words() -> None:
    text = read_text(files_with_role("train")[0])
    damaged, truth = noise.drop_with_truth(text, set())
    assert "\n" not in damaged and truth == han_only(text)
    assert set(gaps(damaged)) == {1, 3}
    assert max(len(w.split(" ")) for w in damaged.split("   ")) <= 3


def test_fine_segment_splits_long_words_only() -> None:
    text = "自然语言处理"
    assert noise.fine_segment(text) == ["自然", "语言", "处理"]
    assert noise.fine_segment(text, max_len=8) == ["自然语言", "处理"]


def test_split_long_word_prefers_dictionary_words() -> None:
    assert noise.split_long_word("甲乙丙丁", {"甲乙": 10, "丙丁": 10, "乙丙": 1}, 100) == [
        "甲乙",
        "丙丁",
    ]
    assert noise.split_long_word("甲乙", {"甲乙": 10}, 100) == ["甲", "乙"]


# --------------------------------------------------------------------------- OCR

CLEAN = "春天来了，河边的柳树（垂柳）发芽；孩子们说：我们去放风筝吧\n夏天也很好"


def undo_layout(damaged: str) -> str:
    """Clean-text alignment of a wrapped, half-width OCR output (clean text has no spaces)."""
    back = str.maketrans({",": "，", "(": "（", ")": "）", ";": "；", ":": "："})
    return damaged.replace(" ", "").translate(back)


@pytest.mark.parametrize("seed", range(5))
def test_substitutions_match_the_diff(seed: int) -> None:
    damaged, subs = noise.ocr(
        CLEAN, rate=0.3, rng=random.Random(seed), confusions=fake_confusions(CLEAN)
    )
    aligned = undo_layout(damaged)
    assert len(aligned) == len(CLEAN)
    diff = [(i, a, b) for i, (a, b) in enumerate(zip(CLEAN, aligned)) if a != b]
    assert diff == subs
    assert all(b == shifted(a) for _, a, b in subs)


def test_rate_zero_changes_only_layout() -> None:
    damaged, subs = noise.ocr(
        CLEAN, rate=0.0, rng=random.Random(0), confusions=fake_confusions(CLEAN)
    )
    assert subs == []
    assert undo_layout(damaged) == CLEAN
    assert " " in damaged and "，" not in damaged and "," in damaged
    assert damaged.count("\n") == CLEAN.count("\n")


def test_no_layout_options_keep_offsets() -> None:
    damaged, subs = noise.ocr(
        CLEAN,
        rate=1.0,
        rng=random.Random(0),
        confusions=fake_confusions(CLEAN),
        wrap_every=None,
        halfwidth=False,
    )
    assert len(damaged) == len(CLEAN)
    assert len(subs) == sum(1 for c in CLEAN if is_han(c))
    assert all(damaged[i] == obs for i, _, obs in subs)


def test_column_wraps_every_n_characters() -> None:
    damaged, _ = noise.ocr("甲" * 30, rate=0.0, rng=random.Random(0), confusions={}, wrap_every=14)
    assert damaged == "甲" * 14 + " " + "甲" * 14 + " " + "甲" * 2


def test_lost_lines_drop_whole_columns_and_their_substitutions() -> None:
    text = ("".join(HAN_CHARS) * 4)[:100]
    damaged, subs = noise.ocr(
        text,
        rate=0.5,
        rng=random.Random(3),
        confusions=fake_confusions(text),
        wrap_every=10,
        lose_lines=0.4,
    )
    chars = list(text)
    for offset, true, observed in subs:
        assert chars[offset] == true
        chars[offset] = observed
    columns = ["".join(chars[i : i + 10]) for i in range(0, len(text), 10)]
    kept = damaged.split(" ")
    assert 0 < len(kept) < len(columns)
    survivors = iter(kept)
    line = next(survivors)
    kept_starts = []
    for start, column in zip(range(0, len(text), 10), columns):
        if column == line:
            kept_starts.append(start)
            line = next(survivors, None)
    assert line is None and len(kept_starts) == len(kept)
    assert all(offset - offset % 10 in kept_starts for offset, _, _ in subs)


def test_ocr_is_deterministic_with_a_seeded_rng() -> None:
    conf = fake_confusions(CLEAN)
    runs = [
        noise.ocr(CLEAN, rate=0.2, rng=random.Random(42), confusions=conf, lose_lines=0.1)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_weights_choose_the_observed_character() -> None:
    conf = {"甲": [("申", 1.0), ("由", 0.0)]}
    _, subs = noise.ocr("甲" * 50, rate=1.0, rng=random.Random(0), confusions=conf)
    assert {obs for _, _, obs in subs} == {"申"}


@pytest.mark.parametrize("bad", [{"rate": -0.1}, {"rate": 1.5}, {"rate": 0.1, "lose_lines": 2.0}])
def test_bad_probabilities_raise(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        noise.ocr(CLEAN, rng=random.Random(0), confusions={}, **bad)
