"""A word model from general and domain sources, for proposing and weighing words.

Two sources, both general (nothing here is typed by hand):

* jieba's bundled dictionary (~350 K words with frequencies), the general lexicon;
* the word counts of the model's training text (jieba segmentation), shipped next
  to the ARPA as ``<model>.words.tsv`` by ``make model`` (domain words and their
  frequencies in policy text).

``P(w)`` is a mixture of the two relative frequencies, the domain's share
(``domain_weight``) set per document by how much its kept characters read like
the training text (:func:`textrepair.dropset.mixture_weight`). The restorer asks
it one question: given the kept characters ``r`` of a damaged word, which words
``w`` reduce to ``r`` once the drop-set characters are deleted, and how likely
is each (``P(w | r) = P(w) / sum of P(w')`` over the words reducing to ``r``).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from .errors import ModelError
from .normalize import HAN

#: Weight of the domain (training-text) counts against the general dictionary, unless a
#: document's own fit says otherwise.
DOMAIN_WEIGHT = 0.9


def _jieba_entries() -> Iterator[tuple[str, int]]:
    """``(word, frequency)`` pairs of jieba's bundled dictionary, streamed from its file."""
    import jieba  # imported lazily: importing is cheap, the dictionary is not

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2:
                yield parts[0], int(parts[1])


@lru_cache(maxsize=1)
def jieba_dictionary() -> dict[str, int]:
    """jieba's bundled dictionary as ``{word: frequency}`` (read once per process)."""
    return dict(_jieba_entries())


@lru_cache(maxsize=1)
def general_char_counts() -> Counter[str]:
    """Character frequencies of jieba's dictionary (each word's frequency credited to its characters).

    Streamed from the file rather than from :func:`jieba_dictionary`, so an OCR repair,
    which needs only these counts, does not keep the 350 K-word dictionary in memory (the
    dropped restorer, which needs both, reads the file twice on its first call: 0.35 s).
    The file's one repeated entry is counted twice here; the dictionary keeps it once.
    """
    counts: Counter[str] = Counter()
    for w, f in _jieba_entries():
        for ch in w:
            counts[ch] += f
    return counts


def most_frequent_chars(k: int) -> list[str]:
    """The *k* most frequent Han characters of general usage (:func:`general_char_counts`), ties by code point."""
    counts = general_char_counts()
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if HAN.fullmatch(c)][:k]


@lru_cache(maxsize=8)
def domain_char_counts(words_file: str) -> Counter[str]:
    """Character counts of a model's training text, from its word counts file (empty if there is none); cached."""
    p = Path(words_file)
    return char_counts(read_word_counts(p)) if words_file and p.is_file() else Counter()


def char_counts(word_counts: Counter[str]) -> Counter[str]:
    """Character counts of a text from its word counts (each word's count credited to its characters)."""
    chars: Counter[str] = Counter()
    for w, c in word_counts.items():
        for ch in w:
            chars[ch] += c
    return chars


class GeneralWords:
    """A unigram word model of general usage: jieba's dictionary, scored over the best segmentation.

    :meth:`logprob` is the log10 probability of the most probable split of a text into
    dictionary words (jieba's own criterion), a character outside the dictionary counting
    as a word of frequency 1. It knows which words people write, not this domain's
    phrasing; the OCR repairer weighs it against the character LM. (:class:`WordModel`
    is the dropped restorer's lexicon: it mixes in the training text's words and
    precomputes every word's probability; this one stays general and memoises only
    the words it meets.)
    """

    def __init__(self, freq: dict[str, int] | None = None, max_word: int = 4) -> None:
        self.freq = jieba_dictionary() if freq is None else freq
        self.max_word = max_word
        self._log_total = math.log10(max(sum(self.freq.values()), 1))
        #: log10 P of each dictionary word (or single character) met so far; non-words are not kept
        self._logp: dict[str, float] = {}

    def _word_logp(self, w: str) -> float:
        lp = self._logp.get(w)
        if lp is None:
            f = self.freq.get(w, 0)
            if f <= 0 and len(w) > 1:
                return -math.inf  # not a word (jieba lists prefixes with frequency 0)
            lp = self._logp[w] = math.log10(max(f, 1)) - self._log_total
        return lp

    def logprob_many(self, prefix: str, middles: Sequence[str], suffix: str, bos: bool = False, eos: bool = False) -> list[float]:
        """:meth:`logprob` of ``prefix + middle + suffix`` for each of *middles*."""
        return [self.logprob(prefix + middle + suffix) for middle in middles]

    def logprob(self, text: str, bos: bool = False, eos: bool = False) -> float:
        """log10 P of *text*'s best segmentation into words of at most :attr:`max_word` characters.

        A unigram model has no sentence boundaries: *bos* and *eos* are accepted (the
        :class:`~textrepair.lm.words.UsageModel` interface) and change nothing.
        """
        best = [0.0]
        logp, word_logp = self._logp, self._word_logp
        for end in range(1, len(text) + 1):
            top = -math.inf
            for start in range(max(0, end - self.max_word), end):
                w = text[start:end]
                lp = logp.get(w)
                score = best[start] + (lp if lp is not None else word_logp(w))
                if score > top:
                    top = score
            best.append(top)
        return best[-1]


def segment_counts(units: Iterable[str]) -> Counter[str]:
    """Word counts of clean text units, segmented by jieba (no HMM new-word guessing)."""
    import jieba

    counts: Counter[str] = Counter()
    for unit in units:
        counts.update(jieba.lcut(unit, HMM=False))
    return counts


def write_word_counts(counts: Counter[str], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# word counts of the training text (jieba, HMM off); written by `textrepair train`\n")
        for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{w}\t{c}\n")


def read_word_counts(path: str | Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            try:
                w, c = line.rstrip("\n").split("\t")
                counts[w] = int(c)
            except ValueError:
                raise ModelError(f"{path}:{lineno}: expected 'word<TAB>count'") from None
    return counts


def words_path_for(arpa: str | Path) -> Path:
    """Where the word counts of a model live: ``x.arpa`` -> ``x.words.tsv``."""
    p = Path(arpa)
    name = p.name.removesuffix(".gz").removesuffix(".arpa").removesuffix(".bin")
    return p.with_name(name + ".words.tsv")


class WordModel:
    """``P(w)`` over the union of the general dictionary and the domain counts."""

    def __init__(
        self,
        domain_counts: Counter[str] | None = None,
        *,
        general: dict[str, int] | None = None,
        domain_weight: float = DOMAIN_WEIGHT,
    ):
        general = jieba_dictionary() if general is None else general
        domain = domain_counts or Counter()
        g_total = sum(general.values()) or 1
        d_total = sum(domain.values()) or 1
        dw = domain_weight if domain else 0.0
        self.logp: dict[str, float] = {}
        for w in set(general) | set(domain):
            p = (1 - dw) * general.get(w, 0) / g_total + dw * domain.get(w, 0) / d_total
            if p > 0:
                self.logp[w] = math.log10(p)
        self.floor = math.log10(0.5 / g_total)  # an unseen word: below any dictionary word

    def __contains__(self, w: str) -> bool:
        return w in self.logp

    def reductions(self, drop_set: Collection[str]) -> "ReductionIndex":
        return ReductionIndex(self, drop_set)


class ReductionIndex:
    """Words grouped by what is left of them after the drop set is deleted."""

    def __init__(self, words: WordModel, drop_set: Collection[str]):
        table = str.maketrans("", "", "".join(drop_set))
        self.by_kept: dict[str, list[tuple[str, float]]] = {}
        for w, lp in words.logp.items():
            r = w.translate(table)
            self.by_kept.setdefault(r, []).append((w, lp))
        for lst in self.by_kept.values():
            lst.sort(key=lambda x: -x[1])
        self.words = words
        self.drop_only = self.by_kept.get("", [])

    def expansions(self, kept: str, limit: int = 12) -> list[tuple[str, float]]:
        """Words that reduce to *kept*, with log10 P(w | kept), best first.

        *kept* itself is always among them (as a word of its own, or at the
        floor probability when the lexicon does not know it).
        """
        cands = list(self.by_kept.get(kept, [])[:limit])
        if not any(w == kept for w, _ in cands):
            cands.append((kept, self.words.logp.get(kept, self.words.floor)))
        return _normalise(cands)


def _normalise(cands: list[tuple[str, float]]) -> list[tuple[str, float]]:
    if not cands:
        return []
    m = max(lp for _, lp in cands)
    z = m + math.log10(sum(10 ** (lp - m) for _, lp in cands))
    return sorted(((w, lp - z) for w, lp in cands), key=lambda x: -x[1])
