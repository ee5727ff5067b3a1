"""A channel learnt from real OCR output: how often an engine reads ``o`` for ``t``.

Proofread pages and what an engine read of them are aligned on their Han
characters (minimum edit distance, :func:`align`), and every aligned pair is
counted: ``t`` read as itself, as another character ``o`` (a substitution), not at
all (a deletion), or a character ``o`` read where the page has none (an
insertion). From the counts come the engine's substitution rate, each true
character's own rate of misreading (:meth:`Channel.misread_rate`), each pair's own
rate ``c(t, o) / (n(t) + k)`` (:meth:`Channel.rate`), and, with a glyph space, a
:class:`SimilarityCurve`: how likely a misread ``t`` is read as a character at a
given glyph similarity. The OCR corrector mixes them into its channel
(:meth:`textrepair.ocr.repair.GlyphCorrector.learnt_costs`).

The file (``channel.tsv``; ``textrepair learn-channel`` writes it) is::

    # textrepair channel 1
    # <free comment lines: engine, pages, characters>
    read<TAB>true<TAB>count[<TAB>near]

with ``read == true`` for correct readings, an empty *read* for a deletion and
an empty *true* for an insertion. Both fields are single Han characters or empty.
The optional *near* column counts the times the engine weighed *read* at a *true*
character and printed something else, mostly the true one (its near misses:
Tesseract's hOCR with ``lstm_choice_mode=2``, :mod:`textrepair.ocr.hocr`), which
:meth:`Channel.near_rate` turns into a rate.
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from ..errors import InputError, ModelError
from ..normalize import HAN
from ..normalize import han_only as han
from ..resources import CHANNEL, CHANNELS
from .confusion import GlyphSpace, read_model_text
from .hocr import has_choices, is_hocr, read_choices

HEADER = "# textrepair channel 1"
#: pseudo-readings added to each true character's count in :meth:`Channel.rate`
PRIOR_WEIGHT = 20.0
#: a truth/OCR pair whose Han characters agree less than this is not one document
MIN_AGREEMENT = 0.6

Pair = tuple[str, str]  # (true, read); "" on one side for an insertion or deletion


def align(truth: str, read: str) -> list[Pair]:
    """``(true, read)`` pairs of a minimum-edit alignment of two Han strings.

    >>> align("通过巡回", "诵过回")
    [('通', '诵'), ('过', '过'), ('巡', ''), ('回', '回')]
    """
    pairs: list[Pair] = []
    i = j = 0
    for op in Levenshtein.editops(truth, read):
        while i < op.src_pos and j < op.dest_pos:
            pairs.append((truth[i], read[j]))
            i += 1
            j += 1
        if op.tag == "replace":
            pairs.append((truth[i], read[j]))
            i += 1
            j += 1
        elif op.tag == "delete":
            pairs.append((truth[i], ""))
            i += 1
        else:
            pairs.append(("", read[j]))
            j += 1
    pairs.extend(zip(truth[i:], read[j:]))
    return pairs


def agreement(pairs: Sequence[Pair]) -> float:
    """Share of aligned positions where the reading is the true character."""
    return sum(1 for t, o in pairs if t == o) / max(1, len(pairs))


def checked_alignment(truth: str, read: str, where: str = "") -> list[Pair]:
    """:func:`align` of the Han characters of one proofread page and its OCR; refused if they
    are not one document."""
    pairs = align(han(truth), han(read))
    if not pairs:
        raise InputError(f"{where or 'truth/OCR pair'}: no Han characters to learn from")
    agree = agreement(pairs)
    if agree < MIN_AGREEMENT:
        raise InputError(
            f"{where or 'truth/OCR pair'}: only {agree:.0%} of the Han characters agree "
            f"(at least {MIN_AGREEMENT:.0%} needed); are they the same document?"
        )
    return pairs


def count_pairs(truth: str, read: str, where: str = "") -> Counter[Pair]:
    """Aligned-pair counts of one proofread page and its OCR; refused if they are not one
    document."""
    return Counter(checked_alignment(truth, read, where))


def near_pairs(truth: str, choices: Sequence[tuple[str, str]], where: str = "") -> Counter[Pair]:
    """``(true, considered)`` counts of one proofread page and what an engine considered at each
    character it read (:func:`textrepair.ocr.hocr.read_choices`): at a character aligned to
    the true ``t``, every other Han character the engine weighed there. Refused, as
    :func:`count_pairs`, if the reading is not of this page."""
    return _near(*_aligned_choices(truth, choices, where))


def _aligned_choices(
    truth: str, choices: Sequence[tuple[str, str]], where: str
) -> tuple[list[Pair], list[str]]:
    """:func:`checked_alignment` of *truth* with the Han characters of *choices*, and what was
    considered at each of them (in order)."""
    han_choices = [(c, a) for c, a in choices if HAN.fullmatch(c)]
    read = "".join(c for c, _ in han_choices)
    return checked_alignment(truth, read, where), [a for _, a in han_choices]


def _near(pairs: Sequence[Pair], considered: Sequence[str]) -> Counter[Pair]:
    """The near misses of an alignment *pairs*, given what was *considered* at each Han
    character read (in order)."""
    near: Counter[Pair] = Counter()
    j = 0
    for t, o in pairs:
        if not o:
            continue
        if t:
            near.update((t, a) for a in considered[j] if a != t and HAN.fullmatch(a))
        j += 1
    return near


@dataclass
class Channel:
    """Substitution, insertion and deletion counts of one engine, and the smoothed channel."""

    counts: Counter[Pair] = field(default_factory=Counter)
    source: str = ""
    prior_weight: float = PRIOR_WEIGHT
    #: ``(true, considered)``: how often the engine weighed a character at a true one
    #: (:func:`near_pairs`; from hOCR with choices, else empty)
    near: Counter[Pair] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.true_count: Counter[str] = Counter()
        #: how often each character was read (correctly, for another, or invented)
        self.read_count: Counter[str] = Counter()
        self.confusions: dict[str, dict[str, int]] = defaultdict(
            dict
        )  # read -> {true: count}, substitutions only
        for (t, o), c in self.counts.items():
            if t:
                self.true_count[t] += c
            if o:
                self.read_count[o] += c
            if t and o and t != o:
                self.confusions[o][t] = c
        self.insertions: Counter[str] = Counter(
            {o: c for (t, o), c in self.counts.items() if not t}
        )
        self.deletions: Counter[str] = Counter({t: c for (t, o), c in self.counts.items() if not o})
        #: read -> {true: how often the engine weighed *read* at *true*}
        self.near_misses: dict[str, dict[str, int]] = defaultdict(dict)
        for (t, o), c in self.near.items():
            self.near_misses[o][t] = c
        #: how often each true character was read as another
        self.misread_count: Counter[str] = Counter()
        for trues in self.confusions.values():
            self.misread_count.update(trues)
        self.characters = sum(self.true_count.values())
        subs = sum(self.misread_count.values())
        #: share of the pages' characters read as another character (at least one in all of
        #: them and the prior's pseudo-readings: pages read without an error do not make a
        #: misreading impossible)
        self.substitution_rate = (
            subs / self.characters if subs else 1 / (self.characters + self.prior_weight)
        )

    @property
    def errors(self) -> int:
        return sum(c for (t, o), c in self.counts.items() if t != o)

    def candidates(self, read: str) -> dict[str, int]:
        """True characters the engine was seen to read as *read*, with how often."""
        return self.confusions.get(read, {})

    def near_candidates(self, read: str) -> dict[str, int]:
        """True characters at which the engine weighed *read* (:attr:`near`), with how often."""
        return self.near_misses.get(read, {})

    def near_rate(self, read: str, true: str) -> float:
        """How often the engine weighed *read* at *true*: ``m(t, o) / (n(t) + k)``."""
        c = self.near_misses.get(read, {}).get(true, 0)
        return c / (self.true_count.get(true, 0) + self.prior_weight)

    def misread_rate(self, true: str, prior: float) -> float:
        """How often *true* was read as another character, shrunk towards
        :attr:`substitution_rate` by *prior* pseudo-readings at that rate."""
        rate = self.substitution_rate
        seen = self.true_count.get(true, 0) + prior
        if seen <= 0:  # never read, and no prior: the engine's rate
            return rate
        return (self.misread_count.get(true, 0) + prior * rate) / seen

    def insertion_rate(self, read: str) -> float:
        """How often a reading *read* stood for nothing on the page: ``i(o) / (r(o) + k)``."""
        return self.insertions.get(read, 0) / (self.read_count.get(read, 0) + self.prior_weight)

    def rate(self, read: str, true: str) -> float:
        """How often *true* was seen read as *read*: ``c(t, o) / (n(t) + k)``."""
        c = self.confusions.get(read, {}).get(true, 0)
        return c / (self.true_count.get(true, 0) + self.prior_weight)


#: glyph-similarity bins of :class:`SimilarityCurve` (lower edges; the last bin is open)
SIMILARITY_BINS = tuple(round(-0.4 + 0.1 * i, 1) for i in range(15))


@dataclass(frozen=True)
class SimilarityCurve:
    """P(an engine reads ``o`` for ``t`` | it misread ``t``), as a function of their glyph
    similarity.

    Fitted on a channel's substitutions: of all the characters a misread ``t``
    could have been read as (the vocabulary), those at similarity ``s`` were the
    reading in ``hits[b] / pairs[b]`` of the cases (bin ``b`` of ``s``). It is
    what the rendered glyphs say of a pair the channel never saw, learnt from
    what the engine did, not assumed.
    """

    bins: tuple[float, ...]
    hits: tuple[float, ...]
    pairs: tuple[float, ...]

    def __post_init__(self) -> None:
        #: the mean per-pair hit rate (the curve of a glyph space that says nothing)
        rate = sum(self.hits) / max(sum(self.pairs), 1.0)
        object.__setattr__(self, "rate", rate)
        # per bin, smoothed towards the mean rate: what a bin that saw nothing says
        values = tuple(
            (h + 1.0) / (n + 1.0 / max(rate, 1e-12)) for h, n in zip(self.hits, self.pairs)
        )
        object.__setattr__(self, "_values", values)
        # the same, for arrays of similarities (log10_of)
        object.__setattr__(self, "_edges", np.asarray(self.bins, dtype=np.float64))
        object.__setattr__(self, "_logs", np.array([math.log10(v) for v in values]))

    def __call__(self, similarity: float) -> float:
        return self._values[max(0, bisect.bisect_right(self.bins, similarity) - 1)]  # type: ignore[attr-defined, no-any-return]

    def log10_of(self, similarities: np.ndarray) -> np.ndarray:
        """``log10(self(s))`` for each of *similarities*, in one array operation (the same
        numbers as one call per similarity)."""
        edges: np.ndarray = self._edges  # type: ignore[attr-defined]
        at = edges.searchsorted(similarities, side="right") - 1
        return self._logs[np.maximum(at, 0)]  # type: ignore[attr-defined, no-any-return]


#: bump when :func:`fit_similarity` counts differently (it is part of the curve's cache key)
CURVE_VERSION = 1


def similarity_curve(channel: Channel, glyphs: GlyphSpace, vocab: Sequence[str]) -> SimilarityCurve:
    """:func:`fit_similarity`, its counts kept in the disk cache (:mod:`textrepair.cache`) under
    the content of what it is fitted on and how (:data:`CURVE_VERSION`, the bins): a product
    of every misread character's glyph with the whole vocabulary's, the largest cost of
    loading a channel."""
    from ..cache import cached

    confusions = sorted(
        (o, t, c) for o, trues in channel.confusions.items() for t, c in trues.items()
    )
    parts = [CURVE_VERSION, SIMILARITY_BINS, confusions, glyphs.digest(), list(vocab)]

    def counts() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
        curve = fit_similarity(channel, glyphs, vocab)
        return curve.bins, curve.hits, curve.pairs

    return SimilarityCurve(*cached("similarity-counts", parts, counts))


def fit_similarity(channel: Channel, glyphs: GlyphSpace, vocab: Sequence[str]) -> SimilarityCurve:
    """The :class:`SimilarityCurve` of *channel*'s substitutions in glyph space *glyphs* over
    *vocab*."""
    import numpy as np

    edges = np.array(SIMILARITY_BINS)
    hits = np.zeros(len(edges))
    pairs = np.zeros(len(edges))
    matrix = glyphs.matrix([c for c in vocab if c in glyphs])
    misread: Counter[str] = Counter()  # per true character: how often it was misread
    for read, trues in channel.confusions.items():
        if read not in glyphs:
            continue
        for true, c in trues.items():
            if true not in glyphs:
                continue
            misread[true] += c
            s = glyphs.similarities(true, [read])[0]
            hits[max(0, int(np.searchsorted(edges, s, side="right")) - 1)] += c
    # what a misread character could have been read as: the vocabulary, once per true character
    # (not once per pair: the channel's 17 000 pairs took 20 s to load)
    for true, c in misread.items():
        sims = glyphs.similarities_to(true, matrix)
        assert sims is not None  # every true character counted is in the glyph space
        b = np.clip(np.searchsorted(edges, sims, side="right") - 1, 0, len(edges) - 1)
        pairs += c * np.bincount(b, minlength=len(edges))
    return SimilarityCurve(tuple(edges.tolist()), tuple(hits.tolist()), tuple(pairs.tolist()))


def learn(
    pairs: Iterable[tuple[str, str, str]], skipped: list[tuple[str, str]] | None = None
) -> Channel:
    """A channel from ``(name, truth text, OCR text)`` triples (see :func:`count_pairs`).

    A pair that does not align raises :class:`~textrepair.errors.InputError`; given a
    *skipped* list, its name and the reason go there instead and the pair is left out (a
    page the engine could hardly read, such as a table of figures, among many it could)."""
    counts: Counter[Pair] = Counter()
    near: Counter[Pair] = Counter()
    names = []
    for name, truth, read in pairs:
        try:
            if is_hocr(read):
                if not has_choices(read):
                    warnings.warn(
                        f"{name}: hOCR without the engine's choices (run tesseract with "
                        "-c lstm_choice_mode=2): only what it read is learnt",
                        stacklevel=2,
                    )
                aligned, considered = _aligned_choices(truth, read_choices(read), name)
                counts += Counter(aligned)
                near += _near(aligned, considered)
            else:
                counts += count_pairs(truth, read, name)
        except InputError as exc:
            if skipped is None:
                raise
            skipped.append((name, str(exc)))
            continue
        names.append(name)
    return Channel(counts, source=f"{len(names)} pages", near=near)


def merge(channels: Iterable[Channel]) -> Channel:
    """One channel with the counts (and near misses) of all of *channels*."""
    counts: Counter[Pair] = Counter()
    near: Counter[Pair] = Counter()
    sources = []
    for ch in channels:
        counts += ch.counts
        near += ch.near
        sources.append(ch.source)
    return Channel(counts, source=" + ".join(sources), near=near)


def write_channel(channel: Channel, path: str | Path, comments: Sequence[str] = ()) -> None:
    """Write *channel* as ``channel.tsv`` (most frequent pairs first)."""
    lines = [
        HEADER,
        *(f"# {c}" for c in comments),
        f"# {channel.characters} characters, {channel.errors} errors",
    ]
    if channel.near:
        lines.append(
            f"# {sum(channel.near.values())} characters the engine weighed and did not read"
        )
    keys = set(channel.counts) | set(channel.near)
    rows = sorted(keys, key=lambda p: (-channel.counts[p], -channel.near[p], p))
    lines += [
        f"{o}\t{t}\t{channel.counts[t, o]}"
        + (f"\t{channel.near[t, o]}" if channel.near[t, o] else "")
        for t, o in rows
    ]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


#: the largest count a channel file's row may hold: a trillion readings, far beyond any engine's
#: record, and small enough that the rates' sums stay exact in floating point and in numpy's
#: integers
MAX_COUNT = 10**12


def read_channel(path: str | Path) -> Channel:
    """Parse a channel file, or raise ModelError naming the file and line."""
    p = Path(path)
    lines = read_model_text(p, "channel file").splitlines()
    if not lines or lines[0].strip() != HEADER:
        raise ModelError(f"{p}:1: not a textrepair channel file (expected {HEADER!r})")
    counts: Counter[Pair] = Counter()
    near: Counter[Pair] = Counter()
    for n, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4):
            raise ModelError(
                f"{p}:{n}: expected read, true and count (and optionally a near-miss count) "
                f"separated by tabs, got {len(fields)} fields"
            )
        o, t, c = fields[:3]
        if not (o or t) or any(x and (len(x) != 1 or not HAN.fullmatch(x)) for x in (o, t)):
            raise ModelError(
                f"{p}:{n}: read and true must be single Han characters (or one of them empty)"
            )
        try:
            count = int(c)
        except ValueError:
            raise ModelError(f"{p}:{n}: count {c!r} is not a whole number") from None
        if count < 0:
            raise ModelError(f"{p}:{n}: count {count} is negative")
        if count > MAX_COUNT:
            raise ModelError(f"{p}:{n}: count {count} is more than a channel holds ({MAX_COUNT})")
        counts[t, o] += count
        if len(fields) == 4:
            if not (o and t and o != t):
                raise ModelError(f"{p}:{n}: a near-miss count needs two different characters")
            try:
                weighed = int(fields[3] or 0)
            except ValueError:
                raise ModelError(
                    f"{p}:{n}: near-miss count {fields[3]!r} is not a whole number"
                ) from None
            if weighed < 0:
                raise ModelError(f"{p}:{n}: near-miss count {weighed} is negative")
            if weighed > MAX_COUNT:
                raise ModelError(
                    f"{p}:{n}: near-miss count {weighed} is more than a channel holds ({MAX_COUNT})"
                )
            near[t, o] += weighed
    counts, near = +counts, +near  # rows of near misses alone count nothing read
    if not counts and not near:
        raise ModelError(f"channel file {p} has no rows")
    return Channel(counts, source=str(p), near=near)


#: bump when :class:`Channel`'s attributes change (part of its disk cache key)
CHANNEL_LAYOUT = 1


@lru_cache(maxsize=8)
def _cached(path: Path) -> Channel:
    """The channel at *path*, parsed once per content: a later process reads it back from the disk
    cache (:mod:`textrepair.cache`; 0.05 s for the shipped one against 0.3 s parsed)."""
    from ..cache import parsed_once

    return parsed_once("channel", path, CHANNEL_LAYOUT, read_channel)


def load_channel(path: str | Path | None = None) -> Channel | None:
    """The channel at *path*, a shipped one by name (``"tesseract"``:
    :data:`~textrepair.resources.CHANNELS`), or with None the shipped Tesseract channel (None if
    it is not there); cached."""
    if isinstance(path, str) and path in CHANNELS:
        path = CHANNELS[path]
    p = Path(path) if path is not None else CHANNEL
    if path is None and not p.exists():
        return None
    return _cached(p.resolve())
