"""A word model from general and domain sources, for proposing and weighing words.

Two sources, both general (nothing here is typed by hand):

* jieba's bundled dictionary (~350 K words with frequencies), the general lexicon;
* the word counts of the model's training text (jieba segmentation), shipped next
  to the ARPA as ``<model>.words.tsv`` by ``make model`` (domain words and their
  frequencies in policy text).

``P(w)`` is a mixture of the two relative frequencies, the domain's share
(``domain_weight``) set per document by how much its kept characters read like
the training text (:func:`textrepair.usage.mixture_weight`). The restorer asks
it one question: given the kept characters ``r`` of a damaged word, which words
``w`` reduce to ``r`` once the drop-set characters are deleted, and how likely
is each (``P(w | r) = P(w) / sum of P(w')`` over the words reducing to ``r``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from ..usage import jieba_dictionary
from .config import DroppedConfig

#: Weight of the domain (training-text) counts against the general dictionary, unless a
#: document's own fit says otherwise (:attr:`DroppedConfig.lexicon_domain_weight`).
DOMAIN_WEIGHT = DroppedConfig().lexicon_domain_weight


#: how a :class:`WordModel` is pickled (part of its disk cache key): 2 since its words come in one
#: string and their probabilities in one array
LEXICON_LAYOUT = 2


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

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the disk cache keeps the model) as its words in one string and their
        probabilities in one array: read back in half the time of a pickled dict."""
        words = "\n".join(self.logp)
        if words.count("\n") != max(len(self.logp) - 1, 0):  # a word holding a newline
            return dict(self.__dict__)
        probs = np.fromiter(self.logp.values(), dtype=np.float64, count=len(self.logp))
        state = {k: v for k, v in self.__dict__.items() if k != "logp"}
        return {**state, "_words": words, "_logp": probs.tobytes()}

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        words, probs = state.pop("_words", None), state.pop("_logp", None)
        self.__dict__.update(state)
        if isinstance(words, str) and isinstance(probs, bytes):
            keys = words.split("\n")  # no word: no probability either, and zip() stops there
            self.logp = dict(zip(keys, np.frombuffer(probs, dtype=np.float64).tolist()))

    def reductions(self, drop_set: Collection[str]) -> "ReductionIndex":
        return ReductionIndex(self, drop_set)


class ReductionIndex:
    """Words grouped by what is left of them after the drop set is deleted.

    Built for the kept strings asked for: every lexicon word's reduction is computed once
    (:func:`reduce_all`, 0.03 s for jieba's 350 K words), and the words of a
    kept string are gathered the first time it is asked for, a document's strings in one
    pass (:meth:`prepare`). Faster than reading a whole index back from disk (0.6-0.8 s),
    and nothing is written. Words of equal probability come in alphabetical order, so
    the result never depends on the order of a dictionary.
    """

    def __init__(self, words: WordModel, drop_set: Collection[str]):
        self.words = words
        # tuples, not lists: out of the garbage collector's way once it has seen them (a full
        # pass walks a list's every item, and these hold 350 000)
        self._entries = tuple(words.logp.items())
        self._reduced = tuple(reduce_all([w for w, _ in self._entries], drop_set))
        self.by_kept: dict[str, list[tuple[str, float]]] = {}
        self.prepare([""])
        #: the words made of drop-set characters only (a whole word that vanished)
        self.drop_only = self.by_kept[""]

    def prepare(self, kept: Iterable[str]) -> None:
        """Gather the words of every string of *kept* not asked for before, in one pass."""
        found: dict[str, list[tuple[str, float]]] = {
            k: [] for k in set(kept) if k not in self.by_kept
        }
        if not found:
            return
        for r, entry in zip(self._reduced, self._entries):
            lst = found.get(r)
            if lst is not None:
                lst.append(entry)
        for lst in found.values():
            lst.sort(key=lambda x: (-x[1], x[0]))
        self.by_kept.update(found)  # one update: a concurrent reader sees each list whole

    def expansions(self, kept: str, limit: int = 12) -> list[tuple[str, float]]:
        """Words that reduce to *kept*, with log10 P(w | kept), best first.

        *kept* itself is always among them (as a word of its own, or at the
        floor probability when the lexicon does not know it).
        """
        if kept not in self.by_kept:
            self.prepare([kept])
        cands = list(self.by_kept[kept][:limit])
        if not any(w == kept for w, _ in cands):
            cands.append((kept, self.words.logp.get(kept, self.words.floor)))
        return _normalise(cands)


def reduce_all(words: Sequence[str], drop_set: Collection[str]) -> list[str]:
    """Each of *words* with the characters of *drop_set* deleted.

    One regular-expression pass over the words joined by newlines: three times faster
    than a ``str.translate`` per word (CPython's translate is slow on non-ASCII text).
    """
    chars = "".join(sorted(set(drop_set)))
    joined = "\n".join(words)
    if not chars or joined.count("\n") != max(len(words) - 1, 0):  # a word holding a newline
        table = str.maketrans("", "", chars)
        return [w.translate(table) for w in words]
    reduced = re.sub("[" + re.escape(chars) + "]", "", joined)
    return reduced.split("\n") if words else []


def _normalise(cands: list[tuple[str, float]]) -> list[tuple[str, float]]:
    if not cands:
        return []
    m = max(lp for _, lp in cands)
    z = m + math.log10(sum(10 ** (lp - m) for _, lp in cands))
    return sorted(((w, lp - z) for w, lp in cands), key=lambda x: -x[1])
