"""General usage, shared by both restorers: jieba's dictionary, character counts, word counts.

* jieba's bundled dictionary (~350 K words with frequencies) as the general
  lexicon (:func:`jieba_dictionary`, :class:`GeneralWords`) and as general
  character frequencies (:func:`general_char_counts`);
* the word counts of a model's training text (jieba segmentation), shipped next
  to its ARPA as ``<model>.words.tsv`` (:func:`words_path_for`), and the
  character counts they imply (:func:`domain_char_counts`);
* the character counts of each training document apart (``<model>.docs.tsv``,
  :func:`domain_document_counts`): how differently the documents of a domain use
  a character;
* how much a document reads like the one rather than the other
  (:func:`mixture_weight`).
"""

from __future__ import annotations

import importlib.util
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .cache import cached, file_digest
from .errors import ModelError
from .normalize import HAN
from .resources import beside_model, read_model_text


@lru_cache(maxsize=1)
def _jieba_path() -> Path:
    """jieba's bundled dictionary, found without importing jieba: its import (0.13 s, its HMM
    tables and their helpers) was the largest single cost of a cold run, and the repairers
    use none of it."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'jieba'", name="jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _jieba_entries() -> Iterator[tuple[str, int]]:
    """``(word, frequency)`` pairs of jieba's bundled dictionary, streamed from its file."""
    with open(_jieba_path(), encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2:
                yield parts[0], int(parts[1])


@lru_cache(maxsize=1)
def jieba_dictionary() -> dict[str, int]:
    """jieba's bundled dictionary as ``{word: frequency}`` (read once per process; kept in the
    disk cache, :mod:`textrepair.cache`)."""
    return cached("jieba-words", [jieba_digest()], lambda: dict(_jieba_entries()))


def jieba_digest() -> str:
    """The content hash of jieba's dictionary file (what every value derived from it is
    cached under)."""
    return file_digest(str(_jieba_path()))


@lru_cache(maxsize=1)
def general_char_counts() -> Counter[str]:
    """Character frequencies of jieba's dictionary (each word's frequency credited to its
    characters).

    Streamed from the file rather than from :func:`jieba_dictionary`, so an OCR repair,
    which needs only these counts, does not keep the 350 K-word dictionary in memory (the
    dropped restorer, which needs both, reads the file twice on its first call: 0.35 s).
    The file's one repeated entry is counted twice here; the dictionary keeps it once.
    Kept in the disk cache (:mod:`textrepair.cache`).
    """

    def count() -> Counter[str]:
        counts: Counter[str] = Counter()
        for w, f in _jieba_entries():
            for ch in w:
                counts[ch] += f
        return counts

    return cached("jieba-chars", [jieba_digest()], count)


def most_frequent_chars(k: int) -> list[str]:
    """The *k* most frequent Han characters of general usage (:func:`general_char_counts`), ties by
    code point."""
    counts = general_char_counts()
    return [
        c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if HAN.fullmatch(c)
    ][:k]


@lru_cache(maxsize=8)
def domain_char_counts(words_file: str) -> Counter[str]:
    """Character counts of a model's training text, from its word counts file (empty if there is
    none); cached."""
    p = Path(words_file)
    return char_counts(read_word_counts(p)) if words_file and p.is_file() else Counter()


def char_counts(word_counts: Counter[str]) -> Counter[str]:
    """Character counts of a text from its word counts (each word's count credited to its
    characters)."""
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

    def logprob_many(
        self, prefix: str, middles: Sequence[str], suffix: str, bos: bool = False, eos: bool = False
    ) -> list[float]:
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
        f.write(
            "# word counts of the training text (jieba, HMM off); written by `textrepair train`\n"
        )
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


def han_counts(texts: Iterable[str]) -> Counter[str]:
    """Count the Han characters of *texts*."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(HAN.findall(text))
    return counts


def document_counts(documents: Iterable[Iterable[str]]) -> list[Counter[str]]:
    """The Han character counts of each document (given as its units)."""
    return [han_counts(units) for units in documents]


def write_document_counts(counts: Sequence[Counter[str]], path: str | Path) -> None:
    """One line per character: its count in each training document, tab-separated."""
    chars = sorted(set().union(*counts), key=lambda c: (-sum(d[c] for d in counts), c))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(
            f"# character counts of each of the {len(counts)} training documents; written by "
            "`textrepair train`\n"
        )
        for c in chars:
            f.write(c + "".join(f"\t{d[c]}" for d in counts) + "\n")


def read_document_counts(path: str | Path) -> list[Counter[str]]:
    """The per-document character counts :func:`write_document_counts` wrote; a
    :class:`~textrepair.errors.ModelError` naming the file (and line) if it is malformed."""
    docs: list[Counter[str]] = []
    seen: set[str] = set()
    text = read_model_text(Path(path), "per-document counts file")
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        ch, *cells = line.split("\t")
        try:
            counts = [int(x) for x in cells]
        except ValueError:
            counts = []
        if (
            len(ch) != 1
            or ch in seen
            or not counts
            or min(counts) < 0
            or (docs and len(counts) != len(docs))
        ):
            raise ModelError(
                f"{path}:{lineno}: expected a character not listed before and one count "
                "per document, tab-separated"
            )
        seen.add(ch)
        if not docs:
            docs = [Counter() for _ in counts]
        for d, k in zip(docs, counts):
            if k:
                d[ch] = k
    return docs


def documents_path_for(arpa: str | Path) -> Path:
    """Where the per-document character counts of a model live: ``x.arpa`` -> ``x.docs.tsv``."""
    return beside_model(arpa, ".docs.tsv")


@lru_cache(maxsize=8)
def domain_document_counts(path: str) -> tuple[Counter[str], ...]:
    """The per-document character counts at *path* (none if there is no such file); cached."""
    p = Path(path)
    return tuple(read_document_counts(p)) if path and p.is_file() else ()


def words_path_for(arpa: str | Path) -> Path:
    """Where the word counts of a model live: ``x.arpa`` -> ``x.words.tsv``."""
    return beside_model(arpa, ".words.tsv")


def mixture_weight(
    kept: Mapping[str, int], domain: Mapping[str, int], general: Mapping[str, int], steps: int = 50
) -> float:
    """The weight ``w`` of *domain* in ``w p_domain + (1 - w) p_general`` that best explains *kept*.

    Both distributions are renormalised over the characters *kept* holds (the kept
    characters say nothing about the drop set's share), and ``w`` maximises the
    likelihood of the kept counts on a grid of ``steps + 1`` values.
    """
    chars = [c for c in kept if domain.get(c) or general.get(c)]
    if not chars:
        return 0.5
    cnt = np.array([kept[c] for c in chars], dtype=np.float64)
    pd = np.array([domain.get(c, 0) for c in chars], dtype=np.float64)
    pg = np.array([general.get(c, 0) for c in chars], dtype=np.float64)
    pd /= pd.sum() or 1.0
    pg /= pg.sum() or 1.0
    w = np.linspace(0.0, 1.0, steps + 1)[:, None]
    mix = w * pd + (1.0 - w) * pg
    with np.errstate(divide="ignore"):
        ll = (cnt * np.log(mix)).sum(axis=1)
    return float(w[int(np.argmax(ll)), 0])
