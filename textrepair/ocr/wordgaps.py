"""Candidates from a general lexicon: the word a reading would complete as another character.

A real engine's long tail of confusions (unlike glyphs that no look-alike table
holds) leaves the rest of the word it hit intact. Where the characters around a
reading, with it in the middle, match a dictionary word in all but that one
place (``电子鱼件`` against ``电子邮件``), the word says which character may have
stood there. :class:`WordGaps` indexes every word of three or four characters
of a lexicon this way, once per place the gap can be: the hash of the word's
other characters (the scorer's polynomial n-gram hash over the lexicon's own
alphabet) and the character in the gap, sorted, so a paragraph is looked up at
once per shape. Words of two characters are left out: one neighbour says too
little (every character that ever follows 盖 would be offered).

The corrector asks it on documents that read like general usage, where the
drafts' passages rarely reach (:attr:`OcrConfig.word_gap_cost
<textrepair.ocr.config.OcrConfig.word_gap_cost>`); the LMs judge what it offers
like any other candidate. The lexicon is jieba's dictionary (its words with a
frequency), a general source.

>>> gaps = WordGaps(["电子邮件", "邮件", "函件"])
>>> gaps.middles("发电子鱼件")
['', '', '', '邮', '']
>>> gaps.middles("发电子函件")  # 函 is inside a word as read
['', '', '', '', '']
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from ..lm.longmatch import _Alphabet
from ..lm.scorer import _hash_step_p1

#: the word lengths indexed
LENGTHS = (3, 4)
#: the layout of a :class:`WordGaps` (its hashes, its alphabet), in the key of its disk cache
FORMAT = 1


class WordGaps:
    """For each character of a text: what a lexicon word has in its place, around the same
    neighbours."""

    def __init__(self, words: Iterable[str], lengths: tuple[int, ...] = LENGTHS):
        by_length: dict[int, list[str]] = {n: [] for n in range(2, max(lengths) + 1)}
        for w in words:
            if len(w) in by_length:
                by_length[len(w)].append(w)
        self._alphabet = _Alphabet(sorted({c for ws in by_length.values() for w in ws for c in w}))
        #: per length: the sorted hashes of the lexicon's words, to tell a reading that is already
        #: inside one
        self._words: dict[int, np.ndarray] = {
            n: np.unique(_hash(self._alphabet.digits("".join(ws)).reshape(len(ws), n)))
            for n, ws in by_length.items()
            if ws
        }
        by_length = {n: ws for n, ws in by_length.items() if n in lengths}
        #: per shape (characters before the gap, after it): sorted hashes of the word's other
        #: characters, and the digit in the gap
        self._shapes: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        for n, ws in by_length.items():
            if not ws:
                continue
            d = self._alphabet.digits("".join(ws)).reshape(len(ws), n)
            for gap in range(n):
                keys = _hash(np.delete(d, gap, axis=1))
                pairs = np.unique(np.stack([keys, d[:, gap].astype(np.uint64)]), axis=1)
                self._shapes[gap, n - 1 - gap] = (pairs[0], pairs[1].astype(np.int32))

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self._shapes.values())

    def in_words(self, han: str) -> np.ndarray:
        """For each character of *han*: whether it is inside a lexicon word (of two to four
        characters) as read."""
        d = self._alphabet.digits(han)
        known = d != self._alphabet.foreign
        inside = np.zeros(len(han), dtype=bool)
        for n, hashes in self._words.items():
            starts = np.arange(len(han) - n + 1)
            if starts.size == 0:
                continue
            window = np.stack([d[starts + j] for j in range(n)], axis=1)
            ok = np.all(np.stack([known[starts + j] for j in range(n)], axis=1), axis=1)
            h = _hash(window)
            at = np.minimum(np.searchsorted(hashes, h), len(hashes) - 1)
            for s in starts[ok & (hashes[at] == h)]:
                inside[s : s + n] = True
        return inside

    def middles(self, han: str) -> list[str]:
        """For each character of *han*: the characters some word has in its place, its other
        characters read around it ("" where none; never the character itself), where the
        character is not already inside a word as read (:meth:`in_words`: 函件 stays, though
        the lexicon also has 邮件)."""
        out = [""] * len(han)
        d = self._alphabet.digits(han)
        known = d != self._alphabet.foreign
        chars = self._alphabet.chars
        found: list[set[str]] = [set() for _ in han]
        for (before, after), (keys, mids) in self._shapes.items():
            at = np.arange(before, len(han) - after)
            if at.size == 0:
                continue
            offsets = [*range(-before, 0), *range(1, after + 1)]
            context = np.stack([d[at + j] for j in offsets], axis=1)
            ok = np.all(np.stack([known[at + j] for j in offsets], axis=1), axis=1)
            h = _hash(context)
            lo = np.searchsorted(keys, h, "left")
            hi = np.searchsorted(keys, h, "right")
            for i in np.flatnonzero(ok & (hi > lo)):
                found[at[i]].update(chars[m - 1] for m in mids[lo[i] : hi[i]])
        inside = self.in_words(han)
        for k, cands in enumerate(found):
            cands.discard(han[k])
            if cands and not inside[k]:
                out[k] = "".join(sorted(cands))
        return out


def _hash(digits: np.ndarray) -> np.ndarray:
    """The polynomial hash of each row of *digits* (the scorer's n-gram hash step)."""
    h = np.zeros(len(digits), dtype=np.uint64)
    for j in range(digits.shape[1]):
        h = _hash_step_p1(h, digits[:, j].astype(np.uint64))
    return h


@lru_cache(maxsize=1)
def lexicon_gaps() -> WordGaps:
    """The index over jieba's dictionary (its words with a frequency above zero): built once,
    then read from the disk cache (:mod:`textrepair.cache`, keyed by the dictionary's content)."""
    from ..cache import cached
    from ..usage import jieba_dictionary, jieba_digest

    return cached(
        "word-gaps",
        [jieba_digest(), LENGTHS, FORMAT],
        lambda: WordGaps(w for w, f in jieba_dictionary().items() if f > 0),
    )
