"""Drop-set inference: which characters were deleted from a character-dropped text.

A character-dropped document lost every occurrence of a fixed set *D* of frequent
characters. *D* is inferred from data, never listed by hand: a character that is
common in clean reference text (the training drafts) but never appears among the
*n* kept characters of the damaged text is unlikely to be there by chance.

The test, per candidate character ``c`` absent from the damaged text:

* ``f`` is the reference relative frequency of ``c``;
* the damaged text lost all of *D*, so if ``c`` were *not* dropped its frequency
  among the kept characters would be ``f' = f / (1 - M)`` where ``M`` is the
  reference mass of *D*;
* the chance of seeing ``c`` zero times in ``n`` kept characters is then about
  ``(1 - f')**n``; ``c`` is declared dropped when that is below ``alpha / m``
  (Bonferroni over the ``m`` candidates tested).

``M`` is not known in advance: it starts at 0 (the conservative bound, ``f' = f``)
and is re-estimated from the characters found, until nothing changes. Each round
can only add characters, so the iteration ends.

The model assumes the damaged text is drawn from the reference's distribution,
which topical characters break: a place name frequent in one draft (the province
it was written for) is absent from another document for reasons of topic, not
dropping. So only characters present in every one of ``chunks`` consecutive,
equally long parts of the reference are tested. The filter reads only the
reference, so it also legitimately shrinks the Bonferroni count ``m``. On
leave-one-draft-out simulations (``tests/test_dropset.py``) it removes the
place-name false positives and keeps recall, and on the national witness it
finds more characters than the unfiltered test (20 against 17), because ``m``
is smaller.

:func:`read_drop_set` / :func:`write_drop_set` handle the ``--drop-set FILE``
override: one character per line, ``#`` starts a comment.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..corpus import read_text
from ..errors import InputError
from ..normalize import HAN, is_han
from ..usage import han_counts, mixture_weight
from .lexicon import reduce_all


def zero_count_log_p(freq: float, n: int, dropped_mass: float) -> float:
    """``log P(0 occurrences in n kept characters)`` for a character that was not dropped.

    *freq* is its reference frequency and *dropped_mass* the reference mass of
    the drop set, which scales the frequency up among the kept characters.
    """
    kept_freq = min(freq / (1.0 - dropped_mass), 1.0)
    if kept_freq >= 1.0:
        return -math.inf
    return n * math.log1p(-kept_freq)


def significant_absentees(
    candidates: dict[str, float], n: int, dropped_mass: float, log_threshold: float
) -> set[str]:
    """The candidates (char -> reference frequency) whose absence is significant."""
    return {
        c for c, f in candidates.items() if zero_count_log_p(f, n, dropped_mass) < log_threshold
    }


def absentees_at_fixed_point(
    candidates: dict[str, float], n: int, log_threshold: float
) -> set[str]:
    """:func:`significant_absentees`, re-run with the dropped mass of what it found until nothing
    changes.

    The mass starts at 0 (the conservative bound) and each round can only add
    characters, so the iteration ends.
    """
    found: set[str] = set()
    while True:
        mass = sum(candidates[c] for c in found)
        grown = significant_absentees(candidates, n, mass, log_threshold)
        if grown == found:
            return found
        found = grown


def split_even(units: Sequence[str], parts: int) -> list[list[str]]:
    """Cut *units* (in order) into *parts* consecutive groups of about equal total length."""
    total = sum(len(u) for u in units) or 1
    groups: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for unit in units:
        groups[min(done * parts // total, parts - 1)].append(unit)
        done += len(unit)
    return groups


def dispersed(units: Sequence[str], parts: int) -> set[str]:
    """Han characters occurring in every one of *parts* consecutive, equally long parts of
    *units*."""
    groups = [set(han_counts(g)) for g in split_even(units, parts)]
    return set.intersection(*groups)


def infer_drop_set(
    damaged: str, reference_units: Iterable[str], *, alpha: float = 1e-3, chunks: int = 3
) -> list[str]:
    """Characters frequent in *reference_units* but significantly absent from *damaged*.

    Only characters spread over all *chunks* parts of the reference are tested
    (see the module docstring; ``chunks=1`` disables the filter). Returns the
    characters sorted by decreasing reference frequency (ties by code point).
    Empty when either input has no Han characters.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if chunks < 1:
        raise ValueError(f"chunks must be >= 1, got {chunks}")
    units = list(reference_units)
    reference = han_counts(units)
    kept = han_counts([damaged])
    n = sum(kept.values())
    total = sum(reference.values())
    if n == 0 or total == 0:
        return []
    spread = dispersed(units, chunks)
    candidates = {c: k / total for c, k in reference.items() if c not in kept and c in spread}
    log_threshold = math.log(alpha / len(candidates)) if candidates else 0.0
    found = absentees_at_fixed_point(candidates, n, log_threshold)
    return sorted(found, key=lambda c: (-reference[c], c))


def infer_drop_set_from_counts(
    damaged: str, references: Sequence[Mapping[str, int]], *, alpha: float = 0.05
) -> list[str]:
    """Union over several reference frequency tables of the characters whose absence is significant.

    Unlike :func:`infer_drop_set` the test is per character at level *alpha*
    (no multiple-comparison correction): for restoration a missed drop
    character costs every one of its occurrences, while a spurious one only
    offers the decoder a candidate the language model must accept. Typical
    references: the training text's character counts (domain) and a general
    lexicon's (jieba's dictionary), which knows frequent function characters a
    small domain corpus sees too rarely to test.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    kept = han_counts([damaged])
    n = sum(kept.values())
    found: set[str] = set()
    if n == 0:
        return []
    for ref in references:
        total = sum(ref.values())
        if total == 0:
            continue
        candidates = {c: k / total for c, k in ref.items() if c not in kept and HAN.fullmatch(c)}
        found |= absentees_at_fixed_point(candidates, n, math.log(alpha))
    return sorted(found)


class ShortTextWarning(UserWarning):
    """The text is too short for its drop set to be inferred reliably."""


@dataclass(frozen=True)
class DropSetInference:
    """What :func:`infer_drop_set_mixed` found, and how sure it can be.

    ``domain_weight`` is the share of the domain reference in the mixture that best
    explains the kept characters (1: the document reads like the training text, 0:
    like general usage). ``reliable`` is False when the document is too short for
    the test: fewer than ``min_expected`` occurrences of the most frequent candidate
    would be expected, so absence proves little.
    """

    #: the drop set: the significant absentees (:attr:`significant`), less those the kept words
    #: do not confirm once :meth:`confirmed` has weighed them
    chars: list[str]
    domain_weight: float
    kept: int
    reliable: bool
    #: P(dropped | absent) of every absent character expected at least once
    #: (:func:`absence_posterior`)
    posterior: dict[str, float] = field(default_factory=dict)
    #: absentees at least this likely to have been dropped are insertion candidates too
    candidate_posterior: float = 0.2
    #: ``-ln P(absent | not dropped)`` of every absentee expected at least once (the
    #: negative-binomial absence evidence :func:`absence_posterior` weighs)
    absence: dict[str, float] = field(default_factory=dict)
    #: the significance test's set, before :meth:`confirmed` (given empty: :attr:`chars`)
    significant: list[str] = field(default_factory=list)
    #: the negative-binomial dispersion of the kept characters' counts (:func:`dispersion`)
    dispersion: float = math.inf

    def __post_init__(self) -> None:
        if not self.significant:  # chars is always a subset of it
            object.__setattr__(self, "significant", list(self.chars))

    @property
    def candidates(self) -> list[str]:
        """What the restorer may insert: the significant set, and the absentees whose posterior
        is at least :attr:`candidate_posterior` (a missed drop character loses every one of its
        occurrences, a spurious candidate is one more option the language model has to
        reject)."""
        found = self.significant
        doubtful = sorted(
            c for c, p in self.posterior.items() if p >= self.candidate_posterior and c not in found
        )
        return list(found) + doubtful

    def confirmed(self, evidence: Mapping[str, float], min_log_odds: float) -> DropSetInference:
        """This inference with :attr:`chars` cut to the characters whose absence and word evidence
        together (natural-log likelihood ratios: :attr:`absence` plus *evidence*, from
        :func:`fragment_evidence`) reach *min_log_odds*; the candidates do not change."""
        kept = [
            c
            for c in self.significant
            if self.absence.get(c, 0.0) + evidence.get(c, 0.0) >= min_log_odds
        ]
        return replace(self, chars=kept)


def infer_drop_set_mixed(
    damaged: str,
    domain: Mapping[str, int],
    general: Mapping[str, int],
    *,
    alpha: float = 0.01,
    min_expected: float = 20.0,
    max_dropped_mass: float = 0.5,
    candidate_posterior: float = 0.2,
    documents: DocumentRates | None = None,
) -> DropSetInference:
    """Characters whose absence from *damaged* is significant under a fitted mixture of two
    references.

    The reference frequency of a character is ``w f_domain + (1 - w) f_general``
    with ``w`` from :func:`mixture_weight`: for a policy text ``w`` is near 1 and a
    character policy text never uses (frequent in general usage) is expected
    rarely, so its absence is no evidence; for general text the general
    frequencies speak. The test is the module's (zero occurrences among the kept
    characters, the frequency scaled up by the drop set's mass, iterated), per
    character at level *alpha*: no multiple-comparison correction, because a
    missed drop character costs every one of its occurrences while a spurious one
    only offers the decoder a candidate its language model must accept. Only
    characters that could reach significance with a drop set of at most
    *max_dropped_mass* are tested; *candidate_posterior* goes to the result
    (:attr:`DropSetInference.candidate_posterior`).

    *documents* (how each training document uses each character: *domain* split up, at
    least two of them) make :attr:`DropSetInference.absence` ask how likely the absence is
    for a document written like any one of them (:func:`document_absence`), not like their
    pooled average: a character only one training document uses (its province's name)
    is expected nowhere else, and its absence is then weak evidence.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    kept = han_counts([damaged])
    n = sum(kept.values())
    if n == 0:
        return DropSetInference([], 0.5, 0, False, candidate_posterior=candidate_posterior)
    w = mixture_weight(kept, domain, general)
    d_total = sum(domain.values()) or 1
    g_total = sum(general.values()) or 1
    mixed = {
        c: w * domain.get(c, 0) / d_total + (1.0 - w) * general.get(c, 0) / g_total
        for c in set(domain) | set(general) | set(kept)
    }
    freq = {c: f for c, f in mixed.items() if c not in kept and HAN.fullmatch(c)}
    testable = {
        c: f for c, f in freq.items() if n * f >= -math.log(alpha) * (1.0 - max_dropped_mass)
    }
    found = absentees_at_fixed_point(testable, n, math.log(alpha))
    top = max(freq.values(), default=0.0)
    mass = sum(freq[c] for c in found)
    r = dispersion(kept, mixed, n, mass)
    present = sum(1 for c in kept if n * mixed[c] >= 1.0)
    expected = {c: f for c, f in freq.items() if n * f >= 1.0}
    posterior = absence_posterior(expected, n, mass, r, present)
    if documents is not None and documents.documents >= 2:
        absence = document_absence(expected, documents, general, w, n, mass, r)
    else:
        absence = {
            c: -_log_p_absent(n * min(f / (1.0 - mass), 1.0), r) for c, f in expected.items()
        }
    return DropSetInference(
        sorted(found, key=lambda c: (-freq[c], c)),
        w,
        n,
        n * top >= min_expected,
        posterior,
        candidate_posterior,
        absence,
        dispersion=r,
    )


class DocumentRates:
    """How each training document uses each character: its own rate, shrunk toward the
    documents' pooled rate as far as its size leaves it uncertain.

    A document's rate of a character is taken to vary around the pooled rate ``f`` as a
    gamma of mean ``f`` and strength ``beta`` characters (a document of ``n`` characters
    then shows it a negative-binomial number of times, of variance ``n f + n^2 f / beta``);
    ``beta`` is estimated from the documents' own counts by moments, over the characters
    each expects at least *min_expected* times. A document's rate is the posterior mean
    ``(k + beta f) / (n + beta)``: a long document keeps what it shows, a short one (whose
    zero count may be chance) says little more than the pool; with no variation beyond
    sampling (``beta`` infinite) every document is the pool. Empty documents are left out.
    """

    def __init__(self, documents: Sequence[Mapping[str, int]], min_expected: float = 5.0):
        docs = [d for d in documents if sum(d.values()) > 0]
        self.documents = len(docs)
        chars = sorted(set().union(*docs)) if docs else []
        self._row = {c: i for i, c in enumerate(chars)}
        counts = np.array([[d.get(c, 0) for d in docs] for c in chars], dtype=np.float64)
        counts = counts.reshape(len(chars), len(docs))
        sizes = counts.sum(axis=0)
        pooled = counts.sum(axis=1) / max(sizes.sum(), 1.0)
        lam = pooled[:, None] * sizes[None, :]
        big = lam >= min_expected
        excess = float((((counts - lam) ** 2 - counts)[big]).sum())
        self.strength = (
            float((sizes[None, :] * lam)[big].sum()) / excess if excess > 0 else math.inf
        )
        if math.isinf(self.strength):
            self.rates = np.repeat(pooled[:, None], len(docs), axis=1)
        else:
            b = self.strength
            self.rates = (counts + b * pooled[:, None]) / (sizes[None, :] + b)

    def of(self, ch: str) -> np.ndarray:
        """Each document's rate of *ch* (zeros for a character none of them shows)."""
        i = self._row.get(ch)
        return self.rates[i] if i is not None else np.zeros(self.documents)


def document_absence(
    chars: Iterable[str],
    documents: DocumentRates,
    general: Mapping[str, int],
    weight: float,
    n: int,
    dropped_mass: float,
    dispersion: float = math.inf,
) -> dict[str, float]:
    """``-ln P(absent | not dropped)`` of each of *chars* among *n* kept characters, for a
    document written like one of the training *documents*, each as likely.

    Each document gives its own reference frequency (:class:`DocumentRates`, mixed with the
    *general* one at *weight*, as the pooled test does) and so its own probability of
    absence; the mean over the documents is the evidence. Where all documents use a
    character alike this is the pooled test's figure; where one long document alone uses
    it, the absence is about as likely as that document is unlike the others, whatever its
    count there.
    """
    g_total = sum(general.values()) or 1
    scale = n / (1.0 - dropped_mass)
    out = {}
    for c in chars:
        g = (1.0 - weight) * general.get(c, 0) / g_total
        lam = np.minimum(scale * (weight * documents.of(c) + g), n)
        logs = [_log_p_absent(float(x), dispersion) for x in lam]
        top = max(logs)
        out[c] = -(top + math.log(sum(math.exp(x - top) for x in logs) / len(logs)))
    return out


def dispersion(
    kept: Mapping[str, int],
    freq: Mapping[str, float],
    n: int,
    dropped_mass: float,
    min_expected: float = 5.0,
) -> float:
    """The negative-binomial dispersion ``r`` of the kept characters' counts around their
    expectations.

    Method of moments over the characters expected at least *min_expected* times
    (``1/r = sum((k - lam)^2 - k) / sum(lam^2)``): how much more the document's
    character counts vary than Poisson sampling would make them (topic). Infinite
    when they do not vary more.
    """
    num = den = 0.0
    for c, k in kept.items():
        lam = n * freq.get(c, 0.0) / (1.0 - dropped_mass)
        if lam >= min_expected:
            num += (k - lam) ** 2 - k
            den += lam * lam
    return den / num if num > 0 else math.inf


def absence_posterior(
    candidates: Mapping[str, float],
    n: int,
    dropped_mass: float,
    dispersion: float = math.inf,
    present: int = 0,
    iterations: int = 50,
) -> dict[str, float]:
    """``P(c was dropped | c is absent)`` for each candidate (char -> reference frequency).

    Two hypotheses per character: dropped (absence certain) or not (zero occurrences
    among *n* has the Poisson probability ``exp(-lam)``, or ``(1 + lam/r)^-r`` under a
    negative binomial of *dispersion* ``r``). The prior share of dropped characters
    among the candidates is estimated with them (EM), so the posterior says how
    much a document this long proves: the absence of a character expected once is
    weak evidence, of one expected twenty times, strong. *present* is the number of
    characters of the same range of expectation that the document does have (never
    dropped), without which every absentee would look dropped.
    """
    if not candidates:
        return {}
    chars = list(candidates)
    lam = [n * min(candidates[c] / (1.0 - dropped_mass), 1.0) for c in chars]
    log_p0 = np.array([_log_p_absent(x, dispersion) for x in lam])
    prior = 0.5
    for _ in range(iterations):
        odds = prior / (1.0 - prior)
        post = odds / (odds + np.exp(log_p0))
        new = float(np.clip(post.sum() / (len(chars) + present), 1e-3, 1.0 - 1e-3))
        if abs(new - prior) < 1e-6:
            break
        prior = new
    return {c: float(p) for c, p in zip(chars, post)}


def _log_p_absent(lam: float, dispersion: float) -> float:
    """ln P(0 occurrences) with mean *lam*: Poisson ``exp(-lam)``, or the negative binomial
    ``(1 + lam/r)^-r`` for topical overdispersion."""
    return -lam if math.isinf(dispersion) else -dispersion * math.log1p(lam / dispersion)


def _log_count_p(k: int, lam: float, dispersion: float) -> float:
    """ln P(k occurrences) with mean *lam* > 0: Poisson, or negative binomial of *dispersion*."""
    if math.isinf(dispersion):
        return (k * math.log(lam) if k else 0.0) - lam - math.lgamma(k + 1)
    r = dispersion
    return (
        math.lgamma(k + r)
        - math.lgamma(r)
        - math.lgamma(k + 1)
        + r * math.log(r / (r + lam))
        + k * math.log(lam / (r + lam))
    )


def fragment_evidence(
    words: Mapping[str, int],
    vanished: int,
    lexicon: Iterable[tuple[str, float]],
    dropped: Collection[str],
    dispersion: float = math.inf,
) -> dict[str, float]:
    """For each character ``c`` of *dropped*, how much better the document's kept words are
    explained with ``c`` deleted than without it (a natural-log likelihood ratio).

    A dropped character leaves traces: every word that held it survives as a fragment
    (管理 -> 理 when 管 is deleted) or vanishes whole. Under a unigram word model (the
    *lexicon*: ``(word, log10 P)``), a kept word ``s`` is expected ``N P_D(s)`` times,
    ``P_D(s)`` the probability of the words that reduce to ``s`` once the set ``D`` is
    deleted (``""`` for a word that vanished; ``N`` the words kept plus *vanished*). With
    ``c`` deleted (``D`` = *dropped*) its words' mass sits on their fragments; without
    it (``D`` = *dropped* less ``c``), on words the document never shows. The ratio
    compares the counts of the affected kept words, *words* (kept word -> count), under
    the two expectations, as negative binomials of *dispersion* (Poisson when infinite).
    Only the kept words the document shows are weighed (a fragment seen less often than
    the character's deletion would make it lowers the ratio): a character a text never
    used for reasons of topic (a province's name in another province's plan) gains
    nothing, because the fragments its words would leave are missing too. Counting the
    missing fragments against a character as well cost recall on general text: a unigram
    lexicon spreads a character's mass over thousands of rare words whose absence from one
    document proves little. Words nobody knows get half a count of the lexicon's rarest
    word.
    """
    dropped = set(dropped)
    observed = set(words) | {""}
    entries = list(lexicon)
    total: dict[str, float] = {}
    shift: dict[str, dict[str, float]] = {c: {} for c in dropped}
    reduced = reduce_all([w for w, _ in entries], dropped)
    for (word, lp), kept in zip(entries, reduced):
        if kept not in observed:
            continue
        p = 10.0**lp
        total[kept] = total.get(kept, 0.0) + p
        if len(kept) < len(word):
            for c in set(word) & dropped:
                moved = shift[c]
                moved[kept] = moved.get(kept, 0.0) + p
    floor = 0.5 * 10.0 ** min((lp for _, lp in entries), default=0.0)
    n = sum(words.values()) + vanished
    if n == 0:  # no word kept or vanished: nothing to weigh
        return dict.fromkeys(dropped, 0.0)
    out = {}
    for c, moved in shift.items():
        llr = 0.0
        for kept, p in moved.items():
            k = vanished if kept == "" else words[kept]
            with_c = total[kept] + floor
            llr += _log_count_p(k, n * with_c, dispersion) - _log_count_p(
                k, n * (with_c - p), dispersion
            )
        out[c] = llr
    return out


def parse_drop_set(text: str, source: str = "drop set") -> list[str]:
    """Parse drop-set file content: one Han character per line, ``#`` comments, blanks ignored."""
    chars: list[str] = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if len(entry) != 1 or not is_han(entry):
            raise InputError(
                f"{source}:{lineno}: expected one Han character per line, got {entry!r}"
            )
        if entry not in seen:
            seen.add(entry)
            chars.append(entry)
    if not chars:
        raise InputError(f"{source}: no characters (one Han character per line expected)")
    return chars


def read_drop_set(path: str | Path) -> list[str]:
    """Read a ``--drop-set`` file; raise :class:`InputError` if it is unreadable or malformed."""
    return parse_drop_set(read_text(path), str(path))


def write_drop_set(path: str | Path, chars: Iterable[str]) -> None:
    """Write *chars* one per line, with a header comment, readable by :func:`read_drop_set`."""
    chars = list(chars)
    bad = [c for c in chars if len(c) != 1 or not is_han(c)]
    if bad:
        raise InputError(f"drop set entries must be single Han characters, got {bad[:5]!r}")
    body = "".join(f"{c}\n" for c in dict.fromkeys(chars))
    Path(path).write_text("# drop set: one character per line\n" + body, encoding="utf-8")
