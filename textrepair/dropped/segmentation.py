"""Whether a restoration is cut into words where the damaged text was cut.

The dropped text was segmented into words before its characters were deleted, so its
spacing records where a segmenter cut the original. A dictionary segmenter such as jieba
cuts a clause along its most probable path of dictionary words; a restoration the
segmenter would have cut elsewhere is less likely to be the original. Two kinds of
disagreement are counted (:meth:`DictionaryCut.conflicts`), both robust to the
segmenter's variants (jieba with or without its HMM for unknown words, long words cut
again into shorter ones):

* a recorded boundary inside a dictionary word of two to :data:`MAX_LEN` characters
  that the segmenter's cut of the restoration makes (where the text records 美国 / 会 / 通过,
  a restoration reading 美国会通过 is cut 美国会 / 通过: the boundary after 美国 falls inside
  美国会);
* a cut inside a recorded word that is itself such a dictionary word.

Han text only: jieba keeps a run of Latin letters or digits together, the cut here does not
(the dropped format has none).

The restorer charges each option of an unsettled slot for its conflicts with its
neighbours as the first decoding chose them (:attr:`DroppedConfig.segment_weight
<textrepair.dropped.config.DroppedConfig.segment_weight>`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import numpy as np

#: the longest word, of the cut or recorded, a conflict is counted for: the project's damage
#: simulator cuts longer words again into shorter ones (:func:`textrepair.noise.fine_segment`)
MAX_LEN = 3


class DictionaryCut:
    """jieba's cut without its HMM (``jieba.lcut(text, HMM=False)``) of Han text, over a
    ``{word: frequency}`` dictionary: the path of dictionary words (a character with no
    word is one alone) with the largest sum of ``log(frequency / total)``."""

    def __init__(
        self, freq: Mapping[str, int], summary: tuple[float, dict[str, int]] | None = None
    ):
        self.freq = freq
        #: log of the frequencies' total, and the length of the longest word starting with each
        #: character (:func:`summarise`; given when known, e.g. from the disk cache)
        self.log_total, self.longest = summary or summarise(freq)

    def cut(self, text: str) -> list[str]:
        """*text* cut into words, as jieba cuts it."""
        n, freq, log_total, longest, log = (
            len(text),
            self.freq,
            self.log_total,
            self.longest,
            math.log,
        )
        score = [0.0] * (n + 1)  # of the best path from each position to the end
        step = list(range(1, n + 2))  # where the best path's first word from each position ends
        for i in range(n - 1, -1, -1):
            top, end = -math.inf, i + 1
            for j in range(i + 1, min(n, i + longest.get(text[i], 1)) + 1):
                f = freq.get(text[i:j])
                if f:
                    s = log(f) - log_total + score[j]
                    if s >= top:  # ties go to the longer word, as in jieba
                        top, end = s, j
            score[i] = top if top > -math.inf else score[i + 1] - log_total
            step[i] = end
        words, i = [], 0
        while i < n:
            words.append(text[i : step[i]])
            i = step[i]
        return words

    def conflicts(self, words: Sequence[str], whole: Sequence[bool] | None = None) -> int:
        """How many times the cut of ``"".join(words)`` disagrees with *words*' boundaries (see
        the module's docstring). ``whole[i]`` False: ``words[i]`` may be several words whose
        boundaries are not known (a cut inside it is no disagreement)."""
        if whole is None:
            whole = [True] * len(words)
        whole = [x for w, x in zip(words, whole) if w]
        words = [w for w in words if w]
        cut = self.cut("".join(words))
        in_dictionary = [one and bool(self.freq.get(w)) for w, one in zip(words, whole)]
        return crossings(cut, set(ends(words[:-1]))) + crossings(
            words, set(ends(cut)), in_dictionary
        )


def ends(words: Iterable[str]) -> list[int]:
    """The offset after each of *words* in their concatenation."""
    return list(accumulate(len(w) for w in words))


def crossings(
    words: Sequence[str], bounds: AbstractSet[int], counted: Sequence[bool] | None = None
) -> int:
    """How many of *bounds* (offsets into the concatenation of *words*) fall inside a word of two
    to :data:`MAX_LEN` characters (of those *counted* marks, if given)."""
    n, at = 0, 0
    for k, w in enumerate(words):
        if 1 < len(w) <= MAX_LEN and (counted is None or counted[k]):
            n += sum(1 for b in range(at + 1, at + len(w)) if b in bounds)
        at += len(w)
    return n


def summarise(freq: Mapping[str, int]) -> tuple[float, dict[str, int]]:
    """log of *freq*'s total, and the length of its longest word (of non-zero frequency)
    starting with each character."""
    longest: dict[str, int] = {}
    for w, f in freq.items():
        if f and len(w) > longest.get(w[:1], 0):
            longest[w[:1]] = len(w)
    return math.log(sum(freq.values()) or 1), longest


@lru_cache(maxsize=1)
def _jieba_lines() -> tuple[str, float]:
    """jieba's bundled dictionary (:func:`textrepair.usage.jieba_dictionary`) as one string of
    ``word<TAB>frequency`` lines (words of non-zero frequency), and the log of its total; kept
    in the disk cache (:mod:`textrepair.cache`), where it loads in milliseconds."""
    from ..cache import cached
    from ..usage import jieba_dictionary, jieba_digest

    def build() -> tuple[str, float]:
        freq = jieba_dictionary()
        lines = "".join(f"{w}\t{f}\n" for w, f in freq.items() if f and "\t" not in w)
        return lines, summarise(freq)[0]

    return cached("jieba-lines", [jieba_digest()], build)


def jieba_cut(chars: Iterable[str] | None = None) -> DictionaryCut:
    """The cut over jieba's dictionary. With *chars*, over its words made of those characters
    only: the same cut of any text written with them, and a fraction of the dictionary to
    read (a document's characters hold about a tenth of its words)."""
    lines, log_total = _jieba_lines()
    if chars is None:
        freq = {m[1]: int(m[2]) for m in re.finditer(r"^([^\t\n]+)\t(\d+)$", lines, re.M)}
        return DictionaryCut(freq, (log_total, summarise(freq)[1]))
    allowed = {c for c in chars if c not in "\t\n"}
    if not allowed:
        return DictionaryCut({}, (log_total, {}))
    table = _jieba_table()
    # the words' first WIDTH characters looked up a column at a time, each column only for the
    # words whose characters so far are allowed (0 pads a short word: allowed)
    known = np.zeros(table.top + 1, dtype=bool)
    known[0] = True
    cps = np.fromiter((ord(c) for c in allowed), dtype=np.int64, count=len(allowed))
    known[cps[cps <= table.top]] = True
    at = np.flatnonzero(known[table.cps[0]] & (table.ends > table.starts))
    for column in table.cps[1:]:
        at = at[known[column[at]]]
    starts, ends = table.starts[at].tolist(), table.ends[at].tolist()
    words = [lines[a:b] for a, b in zip(starts, ends)]
    keep = [  # a word longer than WIDTH: the rest of it checked here (a few hundred words)
        b - a <= _WIDTH or all(c in allowed for c in w[_WIDTH:])
        for w, a, b in zip(words, starts, ends)
    ]
    freq = {w: f for w, f, k in zip(words, table.freqs[at].tolist(), keep) if k}
    return DictionaryCut(freq, (log_total, summarise(freq)[1]))


#: the characters of each dictionary word :func:`jieba_cut` looks up as an array (longer words'
#: rest is checked one by one)
_WIDTH = 8


class _WordTable(NamedTuple):
    """jieba's dictionary lines (:func:`_jieba_lines`) as arrays: each word's place in the
    string, its frequency, and its first :data:`_WIDTH` code points (0 after its end)."""

    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    freqs: np.ndarray  # int64
    cps: np.ndarray  # (_WIDTH, words), uint16 if every code point fits: row j the (j+1)-th
    top: int  # the largest code point in cps


@lru_cache(maxsize=1)
def _jieba_table() -> _WordTable:
    """:class:`_WordTable` of jieba's dictionary; kept in the disk cache beside its lines."""
    from ..cache import cached
    from ..usage import jieba_digest

    def build() -> _WordTable:
        lines, _ = _jieba_lines()
        cp = np.frombuffer(lines.encode("utf-32-le"), dtype=np.uint32)
        line_ends = np.flatnonzero(cp == 10)
        starts = np.concatenate([[0], line_ends[:-1] + 1]).astype(np.int64)
        ends = np.flatnonzero(cp == 9).astype(np.int64)  # one tab a line, after the word
        freqs = np.array(re.findall(r"\t(\d+)\n", lines), dtype=np.int64)
        if not len(starts) == len(ends) == len(freqs):
            raise ValueError("jieba's dictionary lines are not word<TAB>frequency")
        lens = ends - starts
        cps = np.zeros((_WIDTH, len(starts)), dtype=np.uint32)
        for j in range(_WIDTH):
            has = lens > j
            cps[j, has] = cp[starts[has] + j]
        top = int(cps.max(initial=0))
        return _WordTable(
            starts.astype(np.int32),
            ends.astype(np.int32),
            freqs,
            cps.astype(np.uint16) if top < 1 << 16 else cps,
            top,
        )

    return cached("jieba-table", [jieba_digest(), _WIDTH, "by column", "compact"], build)
