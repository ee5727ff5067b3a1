"""Interpolated modified Kneser-Ney estimation over characters (Chen & Goodman 1998).

The estimator computes what KenLM's ``lmplz`` computes (``lm/builder/
adjust_counts.cc``, ``initial_probabilities.cc``, ``interpolate.cc``), so the
ARPA it writes can be checked against ``lmplz``'s (``benchmarks/compare_lmplz.py``):

* the highest order uses raw counts; lower orders use *adjusted* counts, the
  number of distinct left extensions ``N1+(• h w)``, except n-grams starting
  with ``<s>`` (nothing can precede them), which keep their raw counts. The
  ``<s>`` unigram itself has count 0: it is never predicted;
* per order ``n``, three discounts from the count-of-counts ``t_k`` of the
  adjusted counts of that order (equation 26 of Chen & Goodman)::

      Y   = t1 / (t1 + 2 t2)
      D1  = 1 - 2 Y t2 / t1
      D2  = 2 - 3 Y t3 / t2
      D3+ = 3 - 4 Y t4 / t3

  When ``t1``, ``t2`` or ``t3`` is zero, or a discount falls outside
  ``[0, k]``, the order uses :data:`FALLBACK_DISCOUNTS` (``lmplz
  --discount_fallback``; plain ``lmplz`` refuses such data). ``t4 = 0`` is
  allowed and gives ``D3+ = 3``, as in lmplz;
* interpolation::

      p(w | h) = (a(h w) - D(a(h w))) / a(h •)  +  gamma(h) p(w | h')
      gamma(h) = (D1 N1(h •) + D2 N2(h •) + D3+ N3+(h •)) / a(h •)

  and at the bottom the unigram distribution is interpolated with the uniform
  distribution over the vocabulary (every type but ``<s>``, ``<unk>`` included),
  so ``<unk>`` receives ``gamma() / |V|``.

In ARPA back-off form the probability of a present n-gram is the interpolated
``p(w | h)`` (at most 1, i.e. log10 at most 0) and the back-off weight of a
context ``h`` is ``gamma(h)``; n-grams that are not contexts (including those
ending in ``</s>``) have back-off 1 (log10 0). ``<s>`` gets the conventional
log10 probability -99. lmplz computes in 32-bit floats and we in 64-bit ones,
so the two ARPAs differ by float rounding (about 1e-6 in log10).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
#: lmplz's ``--discount_fallback`` values (D1, D2, D3+), used for an order whose
#: count-of-counts make Chen & Goodman's formulas undefined or out of range.
FALLBACK_DISCOUNTS = (0.5, 1.0, 1.5)
#: the default n-gram order of the character models (chosen by held-out perplexity; kenlm's pip
#: build stops at 6)
ORDER = 6
#: log10 probability written for ``<s>``, which is never predicted.
BOS_LOGPROB = -99.0

Ngram = tuple[str, ...]
Discounts = tuple[float, float, float]


@dataclass
class NgramModel:
    """An estimated model: per order, ``{ngram: (log10 prob, log10 backoff)}``."""

    order: int
    ngrams: list[dict[Ngram, tuple[float, float]]] = field(default_factory=list)
    discounts: list[Discounts] = field(default_factory=list)

    def vocabulary(self) -> list[str]:
        """Every unigram of the model (``<s>``, ``</s>`` and ``<unk>`` included)."""
        return [g[0] for g in self.ngrams[0]]


@dataclass
class ContextStats:
    """Per context ``h`` of one order: ``a(h •)`` and ``N1/N2/N3+(h •)``."""

    total: int = 0
    n1: int = 0
    n2: int = 0
    n3: int = 0

    def add(self, count: int) -> None:
        """Account for one continuation with (adjusted) count *count* > 0."""
        self.total += count
        if count == 1:
            self.n1 += 1
        elif count == 2:
            self.n2 += 1
        else:
            self.n3 += 1

    def gamma(self, d: Discounts) -> float:
        """Interpolation weight of the lower order: the discounted mass / total."""
        return (d[0] * self.n1 + d[1] * self.n2 + d[2] * self.n3) / self.total


# ---------------------------------------------------------------- counting
def discounts_from_counts_of_counts(t: Counter[int]) -> Discounts:
    """Chen & Goodman's modified-KN discounts from count-of-counts ``t[1..4]``.

    Falls back to :data:`FALLBACK_DISCOUNTS` exactly where ``lmplz
    --discount_fallback`` does: a zero ``t1``, ``t2`` or ``t3``, or a discount
    ``D_k`` outside ``[0, k]``.
    """
    t1, t2, t3, t4 = (t.get(k, 0) for k in (1, 2, 3, 4))
    if min(t1, t2, t3) == 0:
        return FALLBACK_DISCOUNTS
    y = t1 / (t1 + 2 * t2)
    d = (1 - 2 * y * t2 / t1, 2 - 3 * y * t3 / t2, 3 - 4 * y * t4 / t3)
    if not all(0 <= dk <= k for k, dk in zip((1, 2, 3), d)):
        return FALLBACK_DISCOUNTS
    return d


def _discount(d: Discounts, count: int) -> float:
    return d[min(count, 3) - 1]


def count_ngrams(units: Iterable[str], order: int) -> list[Counter[Ngram]]:
    """Raw counts of every n-gram, n = 1..order, over ``<s> unit </s>``.

    The ``<s>`` unigram is counted too (once per unit); :func:`adjust_counts`
    sets it to zero.
    """
    counts: list[Counter[Ngram]] = [Counter() for _ in range(order)]
    n_units = 0
    for unit in units:
        toks = (BOS, *unit, EOS)
        n_units += 1
        for n in range(1, order + 1):
            c = counts[n - 1]
            for i in range(len(toks) - n + 1):
                c[toks[i : i + n]] += 1
    if n_units == 0:
        raise InputError("the training corpus is empty (no Han characters found)")
    return counts


def adjust_counts(raw: list[Counter[Ngram]]) -> list[Counter[Ngram]]:
    """Kneser-Ney adjusted counts, as lmplz's ``AdjustCounts``.

    Top order: raw counts. Lower orders: the number of distinct left extensions
    among the (n+1)-grams, except n-grams starting with ``<s>``, which keep
    their raw counts. The ``<s>`` unigram is dropped (lmplz gives it count 0).
    """
    order = len(raw)
    adjusted: list[Counter[Ngram]] = [Counter() for _ in range(order)]
    adjusted[order - 1] = Counter(raw[order - 1])
    for n in range(order - 1, 0, -1):
        left_ext: Counter[Ngram] = Counter(g[1:] for g in raw[n])
        adj = adjusted[n - 1]
        for g, c in raw[n - 1].items():
            # every n-gram not starting with <s> has a left extension (<s> at least)
            adj[g] = c if g[0] == BOS else left_ext[g]
    adjusted[0].pop((BOS,), None)
    return adjusted


def context_stats(adjusted: Counter[Ngram]) -> dict[Ngram, ContextStats]:
    """:class:`ContextStats` of every context of one order's adjusted counts."""
    stats: dict[Ngram, ContextStats] = {}
    for g, c in adjusted.items():
        s = stats.get(g[:-1])
        if s is None:
            s = stats[g[:-1]] = ContextStats()
        s.add(c)
    return stats


# ---------------------------------------------------------------- probabilities
def _unigram_probs(
    adjusted: Counter[Ngram], stats: ContextStats, d: Discounts
) -> dict[Ngram, float]:
    """Discounted unigrams interpolated with the uniform distribution (``<unk>`` too)."""
    uniform = stats.gamma(d) / (len(adjusted) + 1)  # vocabulary: types but <s>, + <unk>
    probs = {g: (c - _discount(d, c)) / stats.total + uniform for g, c in adjusted.items()}
    probs[(UNK,)] = uniform
    return probs


def _interpolated_probs(
    adjusted: Counter[Ngram],
    stats: dict[Ngram, ContextStats],
    d: Discounts,
    lower: dict[Ngram, float],
) -> dict[Ngram, float]:
    """``p(w | h)`` for the n-grams of one order above 1, from the order below."""
    gammas = {h: s.gamma(d) for h, s in stats.items()}
    return {
        g: (c - _discount(d, c)) / stats[g[:-1]].total + gammas[g[:-1]] * lower[g[1:]]
        for g, c in adjusted.items()
    }


def _log10(x: float) -> float:
    """log10 clipped to the ARPA range: at most 0 (float rounding), -99 for 0.

    A back-off can be exactly 0 when every continuation of a context has a
    zero discount (lmplz allows D2 = 0 and D3+ = 0; its log10 would be -inf).
    """
    return min(0.0, math.log10(x)) if x > 0 else BOS_LOGPROB


def _arpa_table(
    probs: dict[Ngram, float], higher_stats: dict[Ngram, ContextStats], higher_d: Discounts | None
) -> dict[Ngram, tuple[float, float]]:
    """``{ngram: (log10 p, log10 back-off)}``; back-off is gamma for contexts, else 0."""
    table: dict[Ngram, tuple[float, float]] = {}
    for g, p in probs.items():
        s = higher_stats.get(g)
        bo = _log10(s.gamma(higher_d)) if s is not None and higher_d is not None else 0.0
        table[g] = (_log10(p), bo)
    return table


def estimate(units: Iterable[str], order: int) -> NgramModel:
    """Estimate an interpolated modified-KN model of the given *order*.

    Raises :class:`~textrepair.errors.InputError` for an order below 1 or a
    corpus without units.
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise InputError(f"order must be an integer of at least 1 (got {order!r})")
    return estimate_from_counts(count_ngrams(units, order))


def estimate_from_counts(raw: list[Counter[Ngram]], *, kneser_ney: bool = True) -> NgramModel:
    """:func:`estimate` from the raw counts of :func:`count_ngrams` (for callers that need them
    too).

    With ``kneser_ney=False`` the lower orders keep their raw counts instead of
    the continuation counts (interpolated modified absolute discounting), for
    counts that are not a corpus's, such as :func:`textrepair.ocr.repair.document_model`'s.
    """
    order = len(raw)
    if kneser_ney:
        adjusted = adjust_counts(raw)
    else:
        adjusted = [Counter(c) for c in raw]
        adjusted[0].pop((BOS,), None)
    discounts = [discounts_from_counts_of_counts(Counter(a.values())) for a in adjusted]
    stats = [context_stats(a) for a in adjusted]

    probs = [_unigram_probs(adjusted[0], stats[0][()], discounts[0])]
    for n in range(2, order + 1):
        probs.append(
            _interpolated_probs(adjusted[n - 1], stats[n - 1], discounts[n - 1], probs[-1])
        )

    model = NgramModel(order=order, discounts=discounts)
    for n in range(1, order + 1):
        higher = (stats[n], discounts[n]) if n < order else ({}, None)
        model.ngrams.append(_arpa_table(probs[n - 1], *higher))
    bos_stats = stats[1].get((BOS,)) if order > 1 else None
    bos_bo = _log10(bos_stats.gamma(discounts[1])) if bos_stats is not None else 0.0
    model.ngrams[0][(BOS,)] = (BOS_LOGPROB, bos_bo)
    return model


def train(units: Iterable[str], order: int = ORDER) -> NgramModel:
    """Alias of :func:`estimate` with the project's default order."""
    return estimate(units, order)
