"""Interpolated modified Kneser-Ney estimation over characters (Chen & Goodman 1998).

The estimator follows what KenLM's ``lmplz`` computes, so the ARPA it writes can
be checked against ``lmplz``'s (``benchmarks/compare_lmplz.py``):

* the highest order uses raw counts; lower orders use *adjusted* counts, the
  number of distinct left extensions ``N1+(• h w)``, except n-grams starting
  with ``<s>`` (nothing can precede them), which keep their raw counts;
* per order ``n``, three discounts from the count-of-counts ``t_k`` of the
  adjusted counts::

      Y  = t1 / (t1 + 2 t2)
      D1 = 1 - 2 Y t2 / t1
      D2 = 2 - 3 Y t3 / t2
      D3+ = 3 - 4 Y t4 / t3

* interpolation::

      p(w | h) = (a(h w) - D(a(h w))) / a(h •)  +  gamma(h) p(w | h')
      gamma(h) = (D1 N1(h •) + D2 N2(h •) + D3+ N3+(h •)) / a(h •)

  and at the bottom the unigram distribution is interpolated with the uniform
  distribution over the vocabulary (every type but ``<s>``, ``<unk>`` included),
  so ``<unk>`` receives ``gamma() / |V|``.

In ARPA back-off form the probability of a present n-gram is the interpolated
``p(w | h)`` and the back-off weight of a context ``h`` is ``gamma(h)``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
#: Used when a count-of-counts is zero (tiny corpora), where Chen & Goodman's
#: formulas are undefined. lmplz refuses such data; we fall back to these.
FALLBACK_DISCOUNTS = (0.5, 1.0, 1.5)

Ngram = tuple[str, ...]


@dataclass
class NgramModel:
    """An estimated model: per order, ``{ngram: (log10 prob, log10 backoff)}``."""

    order: int
    ngrams: list[dict[Ngram, tuple[float, float]]] = field(default_factory=list)
    discounts: list[tuple[float, float, float]] = field(default_factory=list)

    def vocabulary(self) -> list[str]:
        return [g[0] for g in self.ngrams[0]]


def discounts_from_counts_of_counts(t: Counter[int]) -> tuple[float, float, float]:
    """Chen & Goodman's modified-KN discounts from count-of-counts ``t[1..4]``."""
    t1, t2, t3, t4 = (t.get(k, 0) for k in (1, 2, 3, 4))
    if min(t1, t2, t3, t4) == 0:
        return FALLBACK_DISCOUNTS
    y = t1 / (t1 + 2 * t2)
    d = (1 - 2 * y * t2 / t1, 2 - 3 * y * t3 / t2, 3 - 4 * y * t4 / t3)
    if not all(0 < dk < k for k, dk in zip((1, 2, 3), d)):
        return FALLBACK_DISCOUNTS
    return d


def _discount(d: tuple[float, float, float], count: int) -> float:
    return d[min(count, 3) - 1]


def count_ngrams(units: Iterable[str], order: int) -> list[Counter[Ngram]]:
    """Raw counts of every n-gram, n = 1..order, over ``<s> unit </s>``."""
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
    """Kneser-Ney adjusted counts: continuation counts below the top order."""
    order = len(raw)
    adjusted: list[Counter[Ngram]] = [Counter() for _ in range(order)]
    adjusted[order - 1] = Counter(raw[order - 1])
    for n in range(order - 1, 0, -1):
        # number of distinct left extensions of each n-gram, from the (n+1)-grams
        left_ext: Counter[Ngram] = Counter(g[1:] for g in raw[n])
        adj = adjusted[n - 1]
        for g, c in raw[n - 1].items():
            adj[g] = c if g[0] == BOS else left_ext.get(g, 0) or c
    return adjusted


def estimate(units: Iterable[str], order: int) -> NgramModel:
    """Estimate an interpolated modified-KN model of the given *order*."""
    if order < 1:
        raise InputError(f"order must be at least 1 (got {order})")
    raw = count_ngrams(units, order)
    adjusted = adjust_counts(raw)
    # <s> is never predicted: it takes no part in the unigram estimate
    adjusted[0].pop((BOS,), None)

    discounts = [discounts_from_counts_of_counts(Counter(a.values())) for a in adjusted]

    # per context: total adjusted count and N1, N2, N3+ of its continuations
    ctx_stats: list[dict[Ngram, list[float]]] = []
    for n, adj in enumerate(adjusted, start=1):
        stats: dict[Ngram, list[float]] = defaultdict(lambda: [0.0, 0, 0, 0])
        for g, c in adj.items():
            s = stats[g[:-1]]
            s[0] += c
            s[min(c, 3)] += 1
        ctx_stats.append(stats)

    def gamma(n: int, ctx: Ngram) -> float:
        s = ctx_stats[n - 1][ctx]
        d = discounts[n - 1]
        return (d[0] * s[1] + d[1] * s[2] + d[2] * s[3]) / s[0]

    vocab_size = len(adjusted[0]) + 1  # + <unk>; <s> excluded
    probs: list[dict[Ngram, float]] = []
    # unigrams: interpolate with uniform
    g0 = gamma(1, ())
    total0 = ctx_stats[0][()][0]
    uni: dict[Ngram, float] = {}
    for g, c in adjusted[0].items():
        uni[g] = (c - _discount(discounts[0], c)) / total0 + g0 / vocab_size
    uni[(UNK,)] = g0 / vocab_size
    probs.append(uni)
    for n in range(2, order + 1):
        lower = probs[n - 2]
        cur: dict[Ngram, float] = {}
        stats = ctx_stats[n - 1]
        d = discounts[n - 1]
        for g, c in adjusted[n - 1].items():
            ctx = g[:-1]
            cur[g] = (c - _discount(d, c)) / stats[ctx][0] + gamma(n, ctx) * lower[g[1:]]
        probs.append(cur)

    model = NgramModel(order=order, discounts=discounts)
    for n in range(1, order + 1):
        table: dict[Ngram, tuple[float, float]] = {}
        higher_ctx = ctx_stats[n] if n < order else {}
        for g, p in probs[n - 1].items():
            bo = math.log10(gamma(n + 1, g)) if g in higher_ctx else 0.0
            table[g] = (math.log10(p), bo)
        if n == 1:
            bo = math.log10(gamma(2, (BOS,))) if order > 1 and (BOS,) in higher_ctx else 0.0
            table[(BOS,)] = (-99.0, bo)
        model.ngrams.append(table)
    return model


def train(units: Iterable[str], order: int = 6) -> NgramModel:
    """Alias of :func:`estimate` with the project's default order."""
    return estimate(units, order)
