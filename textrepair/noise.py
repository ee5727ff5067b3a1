"""Damage simulators: make character-dropped and OCR'd text from clean text.

The benchmarks and tests damage a clean draft with these functions, restore it and
score the result against the clean text, so the simulators must reproduce the
damaged witnesses' formats exactly.

Character dropping (:func:`drop`)
    Only Han characters survive (punctuation, digits and Latin letters go); the text
    is cut into words; every character of the drop set is deleted everywhere, even
    inside words; characters of a word are joined by one space, words by three, and
    a word whose characters were all deleted leaves two more spaces (5, 7, 9 …).
    Equivalently: join the words with ONE space, delete the drop-set characters,
    then put one space between every two remaining characters (spaces included).
    Paragraphs run together into one line (a paragraph break is a word boundary).

    Segmentation runs on each line of the original text, with its punctuation and
    digits still there (a segmenter sees ``25日`` and ``电`` as it would in the
    source); tokens with no Han character are then removed outright, so punctuation
    and numbers leave no gap at all. Empty words at the very start or end of the
    text leave no trace (the witness begins and ends with a character).

    The default segmenter, :func:`fine_segment`, is finer than jieba's default: the
    dropped witness has almost no tokens of four or more kept characters, whereas
    jieba keeps ``医疗卫生`` or ``服务体系`` whole. It cuts with jieba's dictionary
    (``HMM=False``) and re-cuts every word longer than ``max_len`` (3) into its most
    probable path of shorter dictionary words.

OCR damage (:func:`ocr`)
    Glyph substitutions of Han characters drawn from a confusion table, spaces
    where newspaper column lines were joined, half-width punctuation and lost
    column lines; returns the substitutions made, indexed in the clean text.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache

from .normalize import HAN, han_only

Segmenter = Callable[[str], list[str]]
#: true character -> [(observed character, weight), ...]
Confusions = Mapping[str, Sequence[tuple[str, float]]]
ConfusionLookup = Callable[[str], Sequence[tuple[str, float]]]

#: Full-width punctuation an OCR engine reads as its half-width form.
FULL_TO_HALF_PUNCT = str.maketrans({"，": ",", "（": "(", "）": ")", "；": ";", "：": ":"})


# --------------------------------------------------------------------------- segmentation


@cache
def _jieba():  # type: ignore[no-untyped-def]
    """jieba's default tokenizer, initialised once."""
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt


def split_long_word(word: str, freq: Mapping[str, int], total: int) -> list[str]:
    """Best path through *word* of strictly shorter dictionary words (single characters always
    allowed).

    Scores a path by the sum of ``log(freq / total)`` of its pieces, as jieba does;
    characters missing from the dictionary count as frequency 1.
    """
    n = len(word)
    log_total = math.log(total)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, n + 1):
            piece = word[i:j]
            if j - i == n or (j - i > 1 and not freq.get(piece)):
                continue
            log_p = math.log(freq.get(piece) or 1) - log_total
            options.append((log_p + best[j][0], j))
        best[i] = max(options)
    pieces, i = [], 0
    while i < n:
        j = best[i][1]
        pieces.append(word[i:j])
        i = j
    return pieces


def fine_segment(text: str, max_len: int = 3) -> list[str]:
    """Cut *text* into words no longer than *max_len* characters (jieba dictionary, no HMM)."""
    tokenizer = _jieba()
    words: list[str] = []
    stack = list(reversed(tokenizer.lcut(text, HMM=False)))
    while stack:
        word = stack.pop()
        if len(word) > max_len and HAN.fullmatch(word[0]):
            stack.extend(reversed(split_long_word(word, tokenizer.FREQ, tokenizer.total)))
        else:
            words.append(word)
    return words


# --------------------------------------------------------------------------- dropping


def han_words(text: str, segment: Segmenter) -> list[str]:
    """The Han-only words of *text*: segment each line, keep Han characters, drop empty tokens."""
    words: list[str] = []
    for line in text.splitlines():
        for token in segment(line):
            han = han_only(token)
            if han:
                words.append(han)
    return words


def drop_words(words: Sequence[str], drop_set: Collection[str]) -> str:
    """Render *words* in the dropped format after deleting *drop_set* characters."""
    dropped = frozenset(drop_set)
    joined = " ".join(words)
    kept = [c for c in joined if c not in dropped]
    return " ".join(kept).strip(" ")


def drop(text: str, drop_set: Collection[str], *, segment: Segmenter | None = None) -> str:
    """Damage *text* into the character-dropped format (see the module docstring)."""
    return drop_words(han_words(text, segment or fine_segment), drop_set)


def drop_with_truth(
    text: str, drop_set: Collection[str], segment: Segmenter | None = None
) -> tuple[str, str]:
    """``(damaged, truth)``: the dropped text and the Han-only clean text it is scored against."""
    words = han_words(text, segment or fine_segment)
    return drop_words(words, drop_set), "".join(words)


# --------------------------------------------------------------------------- OCR


def _table_lookup(table: object) -> ConfusionLookup:
    """Adapt a confusion table with ``.substitutes(true) -> [(observed, similarity, kind)]``."""

    @cache
    def lookup(true: str) -> tuple[tuple[str, float], ...]:
        return tuple((obs, float(sim)) for obs, sim, _kind in table.substitutes(true))  # type: ignore[attr-defined]

    return lookup


@cache
def default_confusions() -> ConfusionLookup:
    """The shipped OCR simulation table (``textrepair.ocr.confusion``), loaded on first use."""
    from .ocr.confusion import load_confusions

    return _table_lookup(load_confusions(name="ocr_sim"))


def as_lookup(confusions: Confusions | None) -> ConfusionLookup:
    """A lookup function for a mapping or a confusion table, or the default table when *confusions*
    is None."""
    if confusions is None:
        return default_confusions()
    if hasattr(confusions, "substitutes"):
        return _table_lookup(confusions)
    return lambda true: confusions.get(true, ())


def substitute_glyphs(
    text: str, rate: float, rng: random.Random, lookup: ConfusionLookup
) -> tuple[str, list[tuple[int, str, str]]]:
    """Replace each Han character that has a confusion, with probability *rate*.

    The observed character is drawn in proportion to the table's weights; the
    result keeps every offset, and the list gives ``(offset, true, observed)``.
    """
    chars = list(text)
    subs: list[tuple[int, str, str]] = []
    for m in HAN.finditer(text):
        options = [(obs, w) for obs, w in lookup(m.group()) if w > 0 and obs != m.group()]
        if not options or rng.random() >= rate:
            continue
        observed = rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
        chars[m.start()] = observed
        subs.append((m.start(), m.group(), observed))
    return "".join(chars), subs


def column_lines(start: int, line: str, width: int | None) -> list[tuple[int, str]]:
    """Cut one paragraph into newspaper column lines of *width* characters: ``(offset, text)``."""
    if not width or width <= 0:
        return [(start, line)]
    return [(start + i, line[i : i + width]) for i in range(0, len(line), width)]


def ocr(
    text: str,
    *,
    rate: float,
    rng: random.Random,
    confusions: Confusions | None = None,
    wrap_every: int | None = 14,
    halfwidth: bool = True,
    lose_lines: float = 0.0,
) -> tuple[str, list[tuple[int, str, str]]]:
    """Damage *text* as a newspaper reprint read by OCR.

    * glyph substitutions: each Han character with an entry in *confusions* is
      replaced with probability *rate* (default table: ``textrepair.ocr.confusion``);
    * column wraps: every paragraph (input line) is cut into lines of *wrap_every*
      characters, joined again by one space (``None`` or 0: no wrapping);
    * *halfwidth*: ``，（）；：`` become ``,();:``;
    * *lose_lines*: each column line is lost with this probability.

    Input lines stay lines. Returns the damaged text and the substitutions that
    survive (offset in *text*, true, observed); those on lost lines are left out.
    """
    if not 0.0 <= rate <= 1.0 or not 0.0 <= lose_lines <= 1.0:
        raise ValueError("rate and lose_lines must be probabilities in [0, 1]")
    substituted, subs = substitute_glyphs(text, rate, rng, as_lookup(confusions))
    lost: list[range] = []
    out_lines: list[str] = []
    offset = 0
    for line in substituted.split("\n"):
        kept = []
        for start, piece in column_lines(offset, line, wrap_every):
            if lose_lines and rng.random() < lose_lines:
                lost.append(range(start, start + len(piece)))
            else:
                kept.append(piece)
        out_lines.append(" ".join(kept))
        offset += len(line) + 1
    damaged = "\n".join(out_lines)
    if halfwidth:
        damaged = damaged.translate(FULL_TO_HALF_PUNCT)
    surviving = [s for s in subs if not any(s[0] in r for r in lost)]
    return damaged, surviving
