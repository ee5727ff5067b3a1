"""Repairing OCR'd reprints: glyph confusions by a noisy channel, then layout.

Glyph correction decides, for every Han character ``o`` of a paragraph, between
keeping it and replacing it by a character ``t`` the confusion table says may
be misread as ``o``::

    score = log10 P_LM(paragraph) + sum over changed positions of [log10 P(o | t) + usage(t)]

where ``P_LM`` is the drafts' model interpolated with the general newspaper model
(:mod:`textrepair.lm.general`, weight :attr:`OcrConfig.general_weight`) when that is
built, and, where the document repeats the trigram a position ends, with the document's
own repeated n-grams (:func:`document_model`, weight :attr:`GlyphCorrector.cache_weight`,
:class:`textrepair.lm.scorer.Cached`), with ``log10 P(o | t) = log10(error_rate) +
similarity_weight * log10(similarity)`` (``part`` confusions, a component read for the
whole glyph, with their own prior) and ``usage(t)`` what general usage says of the
replacement: :attr:`OcrConfig.lexicon_weight` times the gain in log10 probability of the
best segmentation of the surrounding characters of its clause under the general word
trigram (:class:`textrepair.lm.words.WordNgram`; jieba's unigram words,
:class:`textrepair.usage.GeneralWords`, when that model is not installed). Candidates
are the best :attr:`OcrConfig.max_candidates` rows of ``confusion.tsv`` (rendered
look-alikes and rendered parts) plus every character of ``parts.tsv`` (the IDS
decomposition, :mod:`textrepair.ocr.components`) that *o* is a part of and that the LM
(or the general model) has seen next to one of *o*'s neighbours; for a rare glyph
(below), also every known character of the same IDS layout with one component changed
(``splits.tsv``), seen next to a neighbour. For any glyph the LM never saw, also every
character the LM knows, seen next to a neighbour (by either model), whose rendered glyph
is like it (``glyphs.npz``; similarity at least
:attr:`OcrConfig.lookalike_min_similarity` for a rare glyph,
:attr:`OcrConfig.unseen_lookalike_min_similarity` otherwise), at a steeper
:attr:`OcrConfig.lookalike_similarity_weight`, since the table's best twelve were passed
over. Wherever the training text has a passage with the same :attr:`OcrConfig.passage_context`
characters either side of a reading (:class:`~textrepair.lm.longmatch.GapIndex`), or the page
has one elsewhere, what stood between them is a candidate too, at
:attr:`OcrConfig.passage_cost` whatever the glyphs: a real engine's long tail of unlike
confusions, found where the neighbours survived. Keeping a character costs nothing, unless the
LM never saw it and general usage hardly knows it (rarer than the
:attr:`OcrConfig.rare_rank`-th character of jieba's dictionary): such a glyph pays
``log10(count / count at rare_rank)``. The decision is a joint search over the paragraph
(:func:`textrepair.search.beam_search`), so runs of neighbouring errors are corrected together.
Every setting is in :class:`~textrepair.ocr.config.OcrConfig`.

The language model is over Han characters, so a paragraph's Han characters are
scored as one stream: column-join spaces and punctuation do not disturb it.
Glyph edits replace one character by one, so the layout repair
(:func:`textrepair.ocr.layout.fix_layout`) that follows works on the same
offsets and both edit lists index the input. A range's dash that an engine read as 一
between two numbers is put back by a rule (:func:`range_dashes`).
"""

from __future__ import annotations

import bisect
import math
import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple, cast

import numpy as np
import regex

from ..edits import apply_edits
from ..lm.general import load_general_model, load_general_passages
from ..lm.longmatch import GapIndex, read_units, units_path_for
from ..lm.scorer import Cached, Interpolated, Model, Scorer, State
from ..lm.train import BOS, EOS, estimate_from_counts
from ..lm.words import UsageModel, load_word_model
from ..normalize import HAN, single_code_points
from ..script import foreign_spans
from ..search import Option, Problem, beam_search_many
from ..types import Edit, Reason, Repair
from ..usage import (
    GeneralWords,
    domain_char_counts,
    general_char_counts,
    mixture_weight,
    words_path_for,
)
from .calibration import Calibration, Vocabulary, features, load_calibration
from .channel import Channel, SimilarityCurve, load_channel, similarity_curve
from .config import AUTO, OcrConfig
from .confusion import (
    ConfusionTable,
    Entry,
    GlyphSpace,
    load_confusions,
    load_glyph_space,
    load_splits,
)
from .layout import fix_layout
from .wordgaps import WordGaps, lexicon_gaps

_DEFAULT = OcrConfig()
_BLOCK_BREAK = regex.compile(r"\n[ \t\u3000]*\n")
#: 一 between two Arabic numbers (a unit after the first allowed; a column's line break on
#: either side): 3万一10万, 1一2个
_RANGE_ONE = regex.compile(
    r"(?<=[0-9][万千百亿]?[ \u3000]*\r?\n?[ \u3000]*)一(?=[ \u3000]*\r?\n?[ \u3000]*[0-9])"
)
_HAN = HAN
_NONE: frozenset[str] = frozenset()
#: the Chinese digits (:attr:`OcrConfig.digits_stay`) ...
DIGITS = frozenset("〇一二三四五六七八九")
#: ... and what else makes a number with them
NUMERALS = DIGITS | frozenset("零十百千万亿两")


def _digits_in_numbers(han: str) -> list[int]:
    """Where *han* has a Chinese digit next to another numeral character (一九七九, 三十, 二〇):
    part of a number, not of a word such as 统一 or 再三."""
    return [
        k
        for k, ch in enumerate(han)
        if ch in DIGITS and (han[k - 1 : k] in NUMERALS or han[k + 1 : k + 2] in NUMERALS)
    ]


# stand-ins for <s> and </s> while a document's n-grams are counted as strings (never Han)
_BOS_MARK, _EOS_MARK = "\x02", "\x03"


@dataclass
class GlyphCorrector:
    """Noisy-channel glyph correction over paragraphs.

    The models and tables it reads, and its settings (:class:`~textrepair.ocr.config.OcrConfig`).
    """

    model: Model
    table: ConfusionTable
    config: OcrConfig = OcrConfig()
    parts: ConfusionTable | None = None
    #: top-level IDS split per character ``{char: (operator, children)}``, for look-alikes of rare
    #: glyphs
    splits: dict[str, tuple[str, tuple[str, ...]]] | None = None
    #: rendered glyph features, for look-alikes of rare glyphs beyond the table's
    glyphs: GlyphSpace | None = None
    #: general usage (a word n-gram, or jieba's unigram dictionary), weighed in for the replacements
    #: that survive screening
    words: UsageModel | None = None
    #: general-usage character model, interpolated with *model* for every score
    #: and whose bigrams widen the contexts a lost-component reading is checked in
    general: Model | None = None
    #: what a real engine was seen to misread (:mod:`textrepair.ocr.channel`): more candidates, and
    #: their rates
    channel: Channel | None = None
    #: what a correction's margin is worth on general text (:mod:`textrepair.ocr.calibration`);
    #: None: the margin alone
    calibration: Calibration | None = None
    #: the training text's windows (:class:`~textrepair.lm.longmatch.GapIndex`): what it has
    #: between a reading's neighbours
    passages: GapIndex | None = None
    #: the general corpus's (:func:`~textrepair.lm.general.load_general_passages`), looked up in a
    #: document that reads like general usage (:meth:`reads_general`)
    general_passages: GapIndex | None = None
    #: the general lexicon's words around a reading (:func:`~textrepair.ocr.wordgaps.lexicon_gaps`,
    #: a loader: the index is built on the first document that reads like general usage), asked
    #: there like the general passages
    lexicon: Callable[[], WordGaps] | None = None

    def __post_init__(self) -> None:
        #: what scores: the domain model alone, or interpolated with the general one
        self.lm: Scorer = (
            self.model
            if self.general is None
            else Interpolated(self.model, self.general, self.config.general_weight)
        )
        self._options: dict[str, list[Option]] = {}
        self._last_page: tuple[str | None, GapIndex | None, bool, list[bool]] = (
            None,
            None,
            False,
            [],
        )
        counts = general_char_counts()
        ranked = sorted(counts.values(), reverse=True)
        self._common_count = ranked[min(self.config.rare_rank, len(ranked)) - 1]
        # per character read: its part and look-alike candidates, each with its channel cost
        # (each as a mapping to its cost, and the set of them for C-speed intersections)
        self._part_sets: dict[str, tuple[dict[str, float], frozenset[str]]] = {}
        self._lookalikes: dict[str, tuple[dict[str, float], frozenset[str]]] = {}
        # per character read: the channel's cost of each true character asked for so far
        self._learnt: dict[str, dict[str, float]] = {}
        self._learnt_pairs = 0
        self._lookalikes_held = 0
        self._siblings: dict[tuple[str, int, tuple[str, ...]], set[str]] = {}
        for ch, (op, kids) in (self.splits or {}).items():
            if ch in self.model:
                for i in range(len(kids)):
                    self._siblings.setdefault((op, i, kids[:i] + kids[i + 1 :]), set()).add(ch)

    def channel_cost(self, similarity: float, kind: str) -> float:
        """log10 P(read | true) for a ``whole``, ``part`` or (found in the glyph space)
        ``lookalike`` confusion."""
        weight, prior = self._channel_terms(kind)
        return self.config.log_error_rate + weight * math.log10(max(similarity, 1e-6)) + prior

    def channel_costs(self, similarities: np.ndarray, kind: str) -> np.ndarray:
        """:meth:`channel_cost` of each of *similarities*."""
        weight, prior = self._channel_terms(kind)
        logs = np.log10(np.maximum(similarities.astype(np.float64), 1e-6))
        return self.config.log_error_rate + weight * logs + prior

    def _channel_terms(self, kind: str) -> tuple[float, float]:
        """The exponent on the similarity and the extra log10 prior of a confusion *kind*."""
        weight = (
            self.config.lookalike_similarity_weight
            if kind == "lookalike"
            else self.config.similarity_weight
        )
        return weight, (self.config.log_part_prior if kind == "part" else 0.0)

    def keep_cost(self, observed: str) -> float:
        """log10 prior of reading *observed* as itself.

        Free for a character the LM knows or one in common use. A glyph the
        training text never has and general usage (jieba's dictionary) hardly
        knows is more likely a misreading: it pays how much rarer it is than the
        :attr:`OcrConfig.rare_rank`-th most frequent character.
        """
        if observed in self.model:
            return 0.0
        return min(0.0, math.log10((general_char_counts()[observed] + 1) / self._common_count))

    def knows(self, ch: str) -> bool:
        """True if the scoring LM has seen *ch*: the drafts' model or, when built, the general one.

        Only such characters are offered as replacements (the mixture gives them a
        probability of their own); a character of the general text that the drafts
        lack, such as a province's name in another province's plan, still counts.
        """
        return ch in self.model or (self.general is not None and ch in self.general)

    def _rare(self, observed: str) -> bool:
        """True if keeping *observed* costs something (:meth:`keep_cost`, cached with its
        options)."""
        return self.options(observed)[0].cost < 0.0

    def options(self, observed: str) -> list[Option]:
        """Keep *observed* (:meth:`keep_cost`) or replace it by a look-alike the LM knows (channel
        cost); cached."""
        cached = self._options.get(observed)
        if cached is None:
            cached = self._options[observed] = self._make_options(observed)
        return cached

    def looks_alike(self, observed: str, true: str) -> bool:
        """True if the rendered look-alike table offers *true* for *observed* (not a candidate that
        only the context, the parts or the passages suggest)."""
        return any(t == true for t, _, _ in self._table_candidates(observed))

    def _table_candidates(self, observed: str) -> list[Entry]:
        """What the look-alike table offers for *observed*, best first, as many as the config
        takes."""
        return self.table.candidates(observed)[: self.config.max_candidates]

    def _make_options(self, observed: str) -> list[Option]:
        opts = [Option(observed, self.keep_cost(observed))]
        cands: dict[str, float] = {}
        for true, sim, kind in self._table_candidates(observed):
            if true != observed and self.knows(true):
                cands.setdefault(true, self.channel_cost(sim, kind))
        if self.channel is not None:
            least = self.config.channel_min_count
            cands.update(
                (t, -math.inf)
                for t, c in self.channel.candidates(observed).items()
                if c >= least and self.knows(t) and t not in cands
            )
            cands.update((t, -math.inf) for t in self._near_candidates(observed) if t not in cands)
        opts.extend(Option(t, c) for t, c in cands.items())
        return self._relearn(observed, opts)

    def _near_candidates(self, observed: str) -> list[str]:
        """The true characters at which the channel's engine most often weighed *observed*
        (:attr:`OcrConfig.near_candidates`, each at least :attr:`OcrConfig.near_min_count`
        times) that the LM knows."""
        assert self.channel is not None
        cfg = self.config
        if cfg.near_candidates <= 0 or cfg.near_offset == -math.inf:
            return []
        near = self.channel.near_candidates(observed)
        ranked = sorted(
            (t for t, c in near.items() if c >= cfg.near_min_count and self.knows(t)),
            key=lambda t: (-near[t], t),
        )
        return ranked[: cfg.near_candidates]

    def _relearn(self, observed: str, opts: list[Option]) -> list[Option]:
        """With a channel, mix each replacement's glyph-table cost with what the channel learnt.

        ``log10(10**(glyph_table_offset + table cost) + 10**learnt)`` (:meth:`learnt_costs`): a
        mixture of the two channels, the rendered look-alike tables (what any engine
        may do) and the engine's own record. A candidate only the context or the
        channel offered has no table cost (``-inf``) and costs what was learnt.
        """
        if self.channel is None or len(opts) < 2:
            return opts
        return [opts[0], *(Option(t, c) for t, c in self._relearn_costs(observed, opts[1:]))]

    def _relearn_costs(
        self, observed: str, replacements: Sequence[tuple[str, float]]
    ) -> Sequence[tuple[str, float]]:
        """:meth:`_relearn` of *replacements* (``(text, glyph-table cost)`` pairs, no reading),
        as such pairs."""
        if self.channel is None:
            return replacements
        learnt = self.learnt_costs(observed, [t for t, _ in replacements])
        table = self.config.glyph_table_offset
        log10, inf = math.log10, -math.inf
        return [
            (t, log10(10.0 ** (c + table) + 10.0**lc) if c > inf else lc)
            for (t, c), lc in zip(replacements, learnt)
        ]

    def learnt_costs(self, observed: str, trues: list[str]) -> list[float]:
        """log10 P(read *observed* | true) for each of *trues*, from the channel.

        ``10**similarity_offset * rate(t) * curve(sim) + 10**channel_offset * c(t, o) / (n(t) + k)
        + 10**near_offset * m(t, o) / (n(t) + k)``: how often the engine misread ``t``
        (:meth:`~textrepair.ocr.channel.Channel.misread_rate`, shrunk towards its rate for
        all characters by :attr:`OcrConfig.misread_prior`) spread over the vocabulary by the
        learnt :class:`~textrepair.ocr.channel.SimilarityCurve` of glyph similarity, plus
        what it was seen to do with this very pair, plus how often
        it weighed ``o`` at a ``t`` it read otherwise (its near misses, where the channel
        was learnt from hOCR with choices). Whichever source offered a
        candidate (the look-alike table, the IDS tables, the context, the channel),
        this is its cost: the sources propose, the engine's record decides.
        """
        distinct = list(dict.fromkeys(trues))
        cap = self.config.learnt_cache
        if len(distinct) > cap:  # more than may be kept at all: computed, not kept
            return self._learnt_costs(observed, trues)
        known = self._learnt.setdefault(observed, {})
        missing = [t for t in distinct if t not in known]
        if self._learnt_pairs + len(missing) > cap:
            # memory bounded: start afresh (a reader in another thread keeps its own row; the
            # count is then approximate, never unbounded)
            self._learnt.clear()
            known = self._learnt[observed] = {}
            missing, self._learnt_pairs = distinct, 0
        if missing:
            self._learnt_pairs += len(missing)
            known.update(zip(missing, self._learnt_costs(observed, missing)))
        return [known[t] for t in trues]

    def _learnt_costs(self, observed: str, trues: list[str]) -> list[float]:
        """:meth:`learnt_costs`, computed."""
        assert self.channel is not None
        sims = (
            self.glyphs.similarities(observed, trues)
            if self.glyphs is not None
            else [0.0] * len(trues)
        )
        curve = self._similarity_curve
        channel = self.channel
        spread = 10.0**self.config.similarity_offset
        prior = self.config.misread_prior
        base = [
            spread * (channel.misread_rate(t, prior) if prior else channel.substitution_rate)
            for t in trues
        ]
        weight = 10.0**self.config.channel_offset
        near = 10.0**self.config.near_offset if channel.near else 0.0
        return [
            math.log10(
                b * curve(sim)
                + weight * channel.rate(observed, t)
                + (near * channel.near_rate(observed, t) if near else 0.0)
            )
            for t, sim, b in zip(trues, sims, base)
        ]

    def candidates_at(self, han: str, k: int) -> set[str]:
        """Every character the corrector considers for ``han[k]`` in its context (before
        screening)."""
        n = self.config.passage_context
        last = self._last_page  # one tuple, read once: safe between threads
        if last[0] != han:  # the page's passages, its kind and what it holds as read, kept
            page = GapIndex([han], n) if n else None
            last = self._last_page = (han, page, self.reads_general(han), self.attested(han))
        _, page, general, attested = last
        if attested[k]:
            return set()
        window = han[max(0, k - n) : k + n + 1]
        between = self._between(window, page, general)[min(k, n)] if window else ""
        gaps = self._word_gaps(han[max(0, k - 3) : k + 4], general)[min(k, 3)]
        found = [o.text for o in self.options(han[k])]
        found += [t for t, _ in self._options_in_context(han, k, between, gaps=gaps)]
        return set(found) - {han[k]}

    def attested(self, han: str) -> list[bool]:
        """Per character of *han*: True where it is taken as read
        (:attr:`OcrConfig.attested_order`).

        The n-grams of that order ending at the character and at its right neighbour are
        both in the domain model or the general one (each n-gram in either). A character
        that a misreading made forms n-grams nobody writes, at it or next to it; one
        that sits inside seen text on both sides is no place to look for an error. The
        last character of *han* has no right neighbour, and is never taken as read.
        """
        n = self.config.attested_order
        if n < 2 or len(han) < n:
            return [False] * len(han)
        longest: np.ndarray | None = None
        for m in (self.model, self.general):
            if m is not None:
                found = m.matched_orders(han)
                longest = found if longest is None else np.maximum(longest, found)
        assert longest is not None
        seen = longest >= n
        return [bool(x) for x in seen[:-1] & seen[1:]] + [False]

    def _word_gaps(self, han: str, general: bool) -> list[str]:
        """Per character of *han*: what the general lexicon's words of three or four characters
        have in its place around its neighbours as read (:mod:`textrepair.ocr.wordgaps`).

        Only on a document that reads like general usage (*general*), and not where the
        character is already inside a lexicon word as read: a word the lexicon holds beside
        one that is written (函件 and 邮件, 签有 and 签订) is usage, not a misreading. Not with
        a learnt channel, whose context candidates offer much the same. "" everywhere when
        off.
        """
        if (
            not general
            or self.lexicon is None
            or self.channel is not None
            or self.config.word_gap_cost == -math.inf
        ):
            return [""] * len(han)
        return self.lexicon().middles(han)

    def _between(self, han: str, page: GapIndex | None = None, general: bool = False) -> list[str]:
        """Per character of *han*: what the training text, the *page* elsewhere and, if
        *general*, the general corpus have between its :attr:`OcrConfig.passage_context`
        neighbours either side (an index built for another context is not asked)."""
        between = [""] * len(han)
        for index in (self.passages, page, self.general_passages if general else None):
            if index is not None and index.context == self.config.passage_context:
                between = [a + b for a, b in zip(between, index.middles(han))]
        return between

    def _options_in_context(
        self,
        han: str,
        k: int,
        between: str = "",
        trigrams: Mapping[str, int] | None = None,
        gaps: str = "",
    ) -> list[tuple[str, float]]:
        """The candidates for ``han[k]`` that depend on its neighbours, as ``(text, cost)`` pairs
        (options or plain tuples): parts, siblings, look-alikes, the training text's passages
        (*between*: what it has between the neighbours; *trigrams*: the page's trigram counts),
        the lexicon's words around it (*gaps*, :meth:`_word_gaps`), context."""
        ch, left, right = han[k], han[k - 1 : k], han[k + 1 : k + 2]
        extra: list[tuple[str, float]] = []
        extra += self._part_pairs(ch, left, right)
        extra += self._sibling_pairs(ch, left, right)
        extra += self._lookalike_pairs(ch, left, right)
        extra += self.passage_options(han, k, between, trigrams)
        if gaps:
            extra += self.passage_options(han, k, gaps, trigrams, self.config.word_gap_cost)
        return extra + self.context_options(
            ch, left, right, han[max(0, k - 2) : k], han[k + 1 : k + 3]
        )

    @cached_property
    def _neighbours(self) -> Neighbours:
        """Successors and predecessors of each character in either model's bigrams (one index per
        pair of models, shared by every corrector over them: :func:`neighbours_of`)."""
        return neighbours_of(self.model, self.general)

    def warm(self) -> GlyphCorrector:
        """Build now what the corrector otherwise builds on first use (the bigram neighbours, the
        channel's similarity curve), e.g. before a process forks its workers; returns itself."""
        if (
            self.parts is not None
            or self.splits
            or self.glyphs is not None
            or self.channel is not None
        ):
            self._neighbours
        if self.channel is not None:
            self._similarity_curve
        return self

    @cached_property
    def _similarity_curve(self) -> SimilarityCurve:
        assert self.channel is not None
        if (
            self.glyphs is None
        ):  # nothing to tell pairs apart: every character of the vocabulary alike
            subs = self.channel.substitution_rate * self.channel.characters
            vocab = len(
                set(self.model.vocab) | set(self.general.vocab if self.general is not None else ())
            )
            return SimilarityCurve((-1.0,), (subs,), (subs * vocab,))
        return similarity_curve(self.channel, self.glyphs, self._glyph_vocabulary)

    def context_options(
        self, observed: str, left: str, right: str, before: str = "", after: str = ""
    ) -> list[Option]:
        """Where *observed* makes a bigram neither model has seen: what the neighbours have been
        seen with.

        Every character seen after *left* or before *right* (either model's bigrams)
        is ranked by what the scoring LM says of it between *before* and *after*
        (the wider context as read; *left* and *right* when not given) plus the
        learnt :class:`~textrepair.ocr.channel.SimilarityCurve` of its glyph
        similarity to *observed*; the best :attr:`OcrConfig.context_max` are offered, and
        the :attr:`OcrConfig.context_one_sided` best of those seen next to one neighbour
        only. The channel costs them (:meth:`_relearn`).
        """
        if not self.config.context_candidates or self.channel is None or not (left or right):
            return []
        succ, pred = self._neighbours
        unseen = (bool(left) and observed not in succ.get(left, _NONE)) + (
            bool(right) and observed not in pred.get(right, _NONE)
        )
        if unseen < min(self.config.context_unseen, bool(left) + bool(right)):
            return []
        after_left, before_right = succ.get(left, _NONE), pred.get(right, _NONE)
        both = (after_left & before_right) if left and right else (after_left or before_right)
        either = (after_left | before_right) - both
        pool = sorted(t for t in both if t != observed)
        extra = sorted(t for t in either if t != observed)
        cands = pool + extra
        if not cands:
            return []
        sims = (
            self.glyphs.similarities(observed, cands)
            if self.glyphs is not None
            else [0.0] * len(cands)
        )
        before, after = before or left, after or right
        lm = self.lm.score_continuations(
            [State(before, False)] * len(cands), [t + after for t in cands]
        )
        merit = -(lm + self._similarity_curve.log10_of(np.asarray(sims, dtype=np.float64)))
        # the best of each group, ties in the order offered (a stable sort, as sorted() is)
        best = np.argsort(merit[: len(pool)], kind="stable")[: self.config.context_max].tolist()
        best += (
            len(pool)
            + np.argsort(merit[len(pool) :], kind="stable")[: self.config.context_one_sided]
        ).tolist()
        return [
            Option(cands[i], -math.inf) for i in best
        ]  # no glyph-table cost: costed by _relearn

    def passage_options(
        self,
        han: str,
        k: int,
        between: str,
        trigrams: Mapping[str, int] | None = None,
        cost: float | None = None,
    ) -> list[Option]:
        """What the training text, the page elsewhere or the general corpus has between the same
        neighbours as ``han[k]`` (*between*, :meth:`_between`), at
        :attr:`OcrConfig.passage_cost` whatever the glyphs.

        An engine's long tail of confusions (unlike glyphs, nothing a table holds)
        is found where the page reprints a passage one of them has: the
        neighbours survived, and the LM judges the middle. Not where the page itself
        writes the reading next to a neighbour elsewhere (one of the page's *trigrams* holding
        it counted twice): a document that says 市 where the training text says 省 is
        not misread. *cost*: another source's (the lexicon's words, :meth:`_word_gaps`).
        """
        if not between:
            return []
        if trigrams is not None and any(
            trigrams.get(han[a : a + 3], 0) >= 2 for a in range(max(0, k - 2), k + 1)
        ):
            return []
        cost = self.config.passage_cost if cost is None else cost
        return [Option(t, cost) for t in between if t != han[k] and self.knows(t)]

    def part_options(self, observed: str, left: str, right: str) -> list[Option]:
        """Characters *observed* may be a lost-component reading of, that the LM has seen next to a
        neighbour."""
        return [Option(t, c) for t, c in self._part_pairs(observed, left, right)]

    def _part_pairs(self, observed: str, left: str, right: str) -> list[tuple[str, float]]:
        """:meth:`part_options` as ``(text, cost)`` pairs (plain tuples: made many times faster
        than options, in the screen's inner loop)."""
        if self.parts is None:
            return []
        held = self._part_sets.get(observed)
        if held is None:
            cands = {  # candidate -> its channel cost
                t: self.channel_cost(sim, "part")
                for t, sim, _ in self.parts.candidates(observed)
                if self.knows(t) and t != observed
            }
            held = self._part_sets[observed] = (cands, frozenset(cands))
        cands, members = held
        return [(t, cands[t]) for t in self._seen_in_either(members, left, right)]

    def sibling_options(self, observed: str, left: str, right: str) -> list[Option]:
        """For a rare glyph: known characters built like it with at most one component changed, seen
        in this context."""
        return [Option(t, c) for t, c in self._sibling_pairs(observed, left, right)]

    def _sibling_pairs(self, observed: str, left: str, right: str) -> list[tuple[str, float]]:
        """:meth:`sibling_options` as ``(text, cost)`` pairs."""
        split = (self.splits or {}).get(observed)
        if split is None or not self._rare(observed):
            return []
        op, kids = split
        cands: set[str] = set()
        for i in range(len(kids)):
            cands |= self._siblings.get((op, i, kids[:i] + kids[i + 1 :]), set())
        cands.discard(observed)
        cost = self.channel_cost(self.config.sibling_similarity, "whole")
        return [(t, cost) for t in self._seen_in_either(cands, left, right)]

    def lookalike_options(self, observed: str, left: str, right: str) -> list[Option]:
        """For a glyph the LM never saw: every known character whose rendered glyph is like it, seen
        in this context.

        A rare glyph (:meth:`keep_cost` below zero) takes any with similarity from
        :attr:`OcrConfig.lookalike_min_similarity`; one in common use only close look-alikes
        (:attr:`OcrConfig.unseen_lookalike_min_similarity`). "Seen in this context" as for
        part candidates: next to a neighbour in either model's bigrams.
        """
        return [Option(t, c) for t, c in self._lookalike_pairs(observed, left, right)]

    def _lookalike_pairs(self, observed: str, left: str, right: str) -> list[tuple[str, float]]:
        """:meth:`lookalike_options` as ``(text, cost)`` pairs."""
        if self.glyphs is None or observed not in self.glyphs or observed in self.model:
            return []
        held = self._lookalikes.get(observed)
        if held is None:
            floor = (
                self.config.lookalike_min_similarity
                if self._rare(observed)
                else self.config.unseen_lookalike_min_similarity
            )
            known = self._glyph_vocabulary
            sims = self.glyphs.similarities_to(observed, self._glyph_matrix)
            like = {}  # look-alike -> its channel cost
            if sims is not None:
                at = np.flatnonzero(sims >= floor)
                costs = self.channel_costs(sims[at], "lookalike").tolist()
                # the vocabulary's own string objects, not new ones per look-alike
                like = dict(zip(map(known.__getitem__, at.tolist()), costs))
            if self._lookalikes_held + len(like) > self.config.lookalike_cache:
                # memory bounded: start afresh (the count is approximate between threads)
                self._lookalikes.clear()
                self._lookalikes_held = 0
            self._lookalikes_held += len(like)
            held = self._lookalikes[observed] = (like, frozenset(like))
        like, members = held
        return [(t, like[t]) for t in self._seen_in_either(members, left, right)]

    @cached_property
    def _glyph_vocabulary(self) -> list[str]:
        """The characters :meth:`knows` that the glyph space has, sorted."""
        vocab = set(self.model.vocab) | set(self.general.vocab if self.general is not None else ())
        return sorted(
            ch for ch in vocab if len(ch) == 1 and self.glyphs is not None and ch in self.glyphs
        )

    @cached_property
    def _glyph_matrix(self) -> np.ndarray:
        """The glyph vectors of :attr:`_glyph_vocabulary`, one row each."""
        assert self.glyphs is not None
        return self.glyphs.matrix(self._glyph_vocabulary)

    def _seen_in_either(
        self, cands: AbstractSet[str] | Mapping[str, object], left: str, right: str
    ) -> list[str]:
        """Those of *cands* seen next to *left* or *right* by the LM or, when built, the general
        model; sorted."""
        succ, pred = self._neighbours
        return sorted(
            _common(succ.get(left, _NONE), cands) | _common(pred.get(right, _NONE), cands)
        )

    def correct(self, text: str) -> list[Edit]:
        """Glyph edits (offsets into *text*), all paragraphs decoded together in lockstep.

        A proposal (:meth:`proposals`) is made where its local confidence reaches
        :attr:`OcrConfig.min_confidence`; in a document that reads like general usage, and
        with a :attr:`calibration`, where the learnt probability that it is right
        reaches :attr:`OcrConfig.min_probability` instead (that
        probability is then its confidence).
        """
        general = self.reads_general(text)
        proposed = self.proposals(text, general)
        if self.calibration is None or not proposed or not general:
            out = [e for e, _ in proposed if e.confidence >= self.config.min_confidence]
        else:
            out = []
            for e, x in proposed:
                p = self.calibration.probability(x)
                if p >= self.config.min_probability:
                    out.append(Edit(e.offset, e.old, e.new, p, e.reason))
        return sorted(out + self.invented(text, out), key=lambda e: e.offset)

    def invented(self, text: str, glyph: Sequence[Edit] = ()) -> list[Edit]:
        """Removals of characters the engine invented, judged on *text* with the *glyph* edits made.

        A reading is a removal candidate where the channel saw the engine invent it at
        least :attr:`OcrConfig.invented_min_count` times, and only inside a clause (a Han
        character on either side, nothing but spaces between), where the LM reads
        across it. It is removed where, in its window of the corrected text, ``log10
        P_LM(without) - log10 P_LM(with) + log10 i(o)/(r(o)+k)`` (the channel's
        :meth:`~textrepair.ocr.channel.Channel.insertion_rate`) reaches
        :attr:`OcrConfig.invented_min_margin`: the LM readily prefers a phrase without
        its function word (``A和B`` read as ``AB``), so a removal needs far more
        evidence than a substitution, and deciding it after the substitutions keeps
        it from swaying them. A removed ``一`` leaves a dash (``—``), the glyph it most
        often was.
        """
        min_count = self.config.invented_min_count
        channel = self.channel
        if channel is None or not min_count:
            return []
        fixed = {e.offset: e.new for e in glyph}
        n = self.lm.order - 1
        rows: list[str] = []
        where: list[tuple[int, str, float]] = []
        for positions in han_paragraphs(text):
            han = "".join(fixed.get(p, text[p]) for p in positions)
            clauses = clause_starts(text, positions)
            for k in range(1, len(han) - 1):
                o = text[positions[k]]
                if (
                    o != han[k]
                    or k in clauses
                    or k + 1 in clauses
                    or channel.insertions.get(o, 0) < min_count
                ):
                    continue
                left, right = han[max(0, k - n) : k], han[k + 1 : k + 1 + n]
                rows += [left + right, left + o + right]
                where.append((positions[k], o, math.log10(channel.insertion_rate(o))))
        if not rows:
            return []
        # a batch at a time: one batch for a long text's every window held hundreds of MB
        step = 2 * _INVENTED_BATCH
        scores = np.concatenate(
            [
                self.lm.score(rows[i : i + step], bos=False, eos=False)
                for i in range(0, len(rows), step)
            ]
        )
        out = []
        for i, (p, o, cost) in enumerate(where):
            margin = float(scores[2 * i] - scores[2 * i + 1]) + cost
            if margin >= self.config.invented_min_margin:
                out.append(Edit(p, o, _STROKE_TWINS.get(o, ""), _probability(margin), INVENTED))
        return out

    @property
    def cache_weight(self) -> float:
        """The document model's share: :attr:`OcrConfig.cache_weight` with a learnt channel,
        :attr:`OcrConfig.tables_cache_weight` with the glyph tables alone."""
        if self.channel is not None:
            return self.config.cache_weight
        return self.config.tables_cache_weight

    def reads_general(self, text: str) -> bool:
        """True if *text* reads more like general usage than like the training text
        (:func:`document_domain_weight`)."""
        dw = document_domain_weight(text, self.model)
        return dw is not None and dw < self.config.general_text_below

    def proposals(
        self, text: str, general_text: bool | None = None
    ) -> list[tuple[Edit, list[float]]]:
        """Every change the search chose, with its local confidence and its calibration features.

        The search decides all paragraphs together in lockstep; a change is
        proposed where its local confidence (:meth:`_margin`, as a probability) is at least
        0.5, the least any rule accepts. *general_text*: whether *text* reads like general usage
        (:meth:`reads_general`, worked out when None), where the general corpus's passages
        are looked up.
        """
        paragraphs = han_paragraphs(text)
        units = ["".join(text[p] for p in positions) for positions in paragraphs]
        # the page's n-grams, counted once for both: the document model's orders, and trigrams for
        # _weigh_repeats
        # each distinct paragraph counted once: a page's evidence must not grow with how
        # many copies of it one piece holds (repeated misreadings are not confirmations)
        distinct = list(dict.fromkeys(units))
        counts = (
            page_ngrams(distinct, max(self.config.cache_order, 3))
            if self.cache_weight or self.config.repeat_weight or self.config.passage_context
            else []
        )
        lm = self.lm
        if self.cache_weight:
            cache = _document_model(counts[: self.config.cache_order], self.config.cache_discount)
            if cache is not None:
                lm = Cached(self.lm, cache, self.cache_weight, min_order=self.config.cache_order)
        # the trigrams weigh repeats in, and hold back passages where the page writes the reading
        trigrams = counts[2] if self.config.repeat_weight or self.config.passage_context else None
        del counts  # only the trigrams are needed past this point
        # the page's own passages: a phrase it prints again elsewhere, misread here
        n = self.config.passage_context
        page = GapIndex(distinct, n) if n else None
        general_page = self.reads_general(text) if general_text is None else general_text
        floor = min(self.config.min_confidence, 0.5)
        general: Vocabulary = self.general if self.general is not None else frozenset()
        usage = general_char_counts()
        out: list[tuple[Edit, list[float]]] = []
        for group in _groups(
            _pieces(text, paragraphs, self.config.block_han), self.config.group_han
        ):  # memory flat in the text's length
            blocks = []  # (Han positions, slots) of each piece that has a decision to make
            for positions in group:
                han = "".join(text[p] for p in positions)
                slots = self._screen(
                    lm,
                    han,
                    clause_starts(text, positions),
                    trigrams,
                    page,
                    general_page,
                )
                if any(len(s) > 1 for s in slots):
                    blocks.append((positions, slots))
            decoded = beam_search_many(
                lm, [Problem(slots) for _, slots in blocks], beam=self.config.beam
            )
            for (positions, slots), best in zip(blocks, decoded):
                chosen = [slot[c].text for slot, c in zip(slots, best.choices)]
                for k, p in enumerate(positions):
                    if chosen[k] != text[p]:
                        cost = slots[k][best.choices[k]].cost - slots[k][0].cost
                        margin = self._margin(lm, chosen, k, text[p], cost)
                        conf = _probability(margin)
                        if conf >= floor:
                            x = features(text[p], chosen[k], margin, self.model, general, usage)
                            out.append((Edit(p, text[p], chosen[k], conf, "glyph"), x))
        return out

    def _screen(
        self,
        lm: Scorer,
        han: str,
        clauses: Collection[int] = (),
        trigrams: Counter[str] | None = None,
        page: GapIndex | None = None,
        general: bool = False,
    ) -> list[list[Option]]:
        """Slots for a paragraph's Han characters, keeping only replacements that could win.

        Each replacement is first scored alone in its local window (``order - 1``
        characters either side, as read); one whose LM gain plus channel cost
        is below :attr:`OcrConfig.screen_margin` is dropped, so most characters become
        fixed text and the joint search only decides where it matters. The
        margin leaves room for runs of errors, where a single swap gains less
        than the whole run. One short of it by less than :attr:`OcrConfig.usage_slack`
        stays if general usage lifts it above the margin: the drafts' LM may
        never have seen a word that the word model knows well. *clauses*
        (indexes into *han* where a clause starts)
        bound what general usage sees (:meth:`_weigh_usage`); *trigrams*, the
        page's trigram counts, weigh in what the rest of the page says of the
        replacements that survive (:meth:`_weigh_repeats`). *general*: the page reads like
        general usage (the general corpus's passages and the lexicon are asked there).
        """
        n = lm.order - 1
        attested = self.attested(han)
        # a slot's first entries are options; what the context adds are plain (text, cost) pairs
        # until the screen keeps one (most it drops: a tuple is made far faster)
        slots = cast(
            list[list[tuple[str, float]]],
            [self.options(ch)[:1] if seen else self.options(ch) for ch, seen in zip(han, attested)],
        )
        if (
            self.parts is not None
            or self.splits
            or self.glyphs is not None
            or self.config.passage_context
            or (self.lexicon is not None and self.config.word_gap_cost > -math.inf)
        ):
            between = self._between(han, page, general)
            gaps = self._word_gaps(han, general)
            for k, ch in enumerate(han):
                if attested[k]:
                    continue
                extra = self._options_in_context(han, k, between[k], trigrams, gaps[k])
                if extra:
                    # a character offered by more than one source keeps its cheapest channel, in
                    # the place it was first offered
                    cheapest: dict[str, float] = {}
                    get = cheapest.get
                    for t, c in extra:
                        was = get(t)
                        if was is None or c > was:
                            cheapest[t] = c
                    for t, _ in slots[k]:
                        cheapest.pop(t, None)
                    if cheapest:
                        slots[k] = slots[k] + list(self._relearn_costs(ch, list(cheapest.items())))
        if self.config.digits_stay:
            for k in _digits_in_numbers(han):
                if len(slots[k]) > 1:
                    slots[k] = [slots[k][0], *(o for o in slots[k][1:] if o[0] not in DIGITS)]
        # each option scored after its left neighbours, which its slot's options share: the
        # neighbours are read once per slot, and a gain is the difference of two continuations
        texts: list[str] = []
        cost_list: list[float] = []
        asked: list[int] = []  # the characters with replacements to score, in order
        sizes_list: list[int] = []
        for k, opts in enumerate(slots):
            if len(opts) > 1:
                ts, cs = zip(*opts)
                texts += ts
                cost_list += cs
                asked.append(k)
                sizes_list.append(len(opts))
        if not texts:  # no slot has a replacement: every slot is its reading's option alone
            return cast(list[list[Option]], slots)
        if single_code_points(texts) is not None:  # one character each: no string per row
            scores = lm.score_options(han, asked, "".join(texts), sizes_list, n)
        else:
            scores = lm.score_continuations(
                [State(han[max(0, k - n) : k], False) for k, m in zip(asked, sizes_list)
                 for _ in range(m)],
                [t + han[k + 1 : k + 1 + n] for k, t in zip(
                    np.repeat(asked, sizes_list).tolist(), texts)],
            )  # fmt: skip
        # every row at once: its character, its option's index, its LM gain and margin over the
        # reading (the reading is each character's first row)
        sizes = np.asarray(sizes_list, dtype=np.int64)
        firsts = np.cumsum(sizes) - sizes
        row_k = np.repeat(np.asarray(asked, dtype=np.int64), sizes)
        row_j = np.arange(len(texts)) - np.repeat(firsts, sizes)
        costs = np.asarray(cost_list, dtype=np.float64)
        gains = scores - np.repeat(scores[firsts], sizes)
        margins = gains + costs - np.repeat(costs[firsts], sizes)
        keep: dict[int, list[Option]] = {}
        slack = (
            self.config.usage_slack
            if self.words is not None and self.config.lexicon_weight
            else 0.0
        )
        on_trial: dict[
            tuple[int, str], float
        ] = {}  # LM gain of a replacement that only usage can keep
        # a neighbour of a flagged character keeps at least what any character keeps
        run_floor = self.config.screen_margin - max(self.config.run_slack, slack)
        in_run: dict[int, list[Option]] = {}  # what a neighbour of a flagged character keeps
        first = row_j == 0

        def as_option(k: int, j: int) -> Option:
            """The *j*-th entry of slot *k*, made an option (once) if it was a plain pair."""
            opt = slots[k][j]
            if type(opt) is not Option:
                opt = slots[k][j] = Option._make(opt)
            return cast(Option, opt)

        for i in np.flatnonzero(first | (margins > run_floor)).tolist():
            k = int(row_k[i])
            in_run.setdefault(k, []).append(as_option(k, int(row_j[i])))
        held = first | (margins > self.config.screen_margin - slack)
        trial = held & ~first & (margins <= self.config.screen_margin)
        for i in np.flatnonzero(held).tolist():
            k = int(row_k[i])
            opt = as_option(k, int(row_j[i]))
            keep.setdefault(k, []).append(opt)
            if trial[i]:
                on_trial[k, opt.text] = float(gains[i])
        flagged = [
            k for k, opts in keep.items() if any((k, o.text) not in on_trial for o in opts[1:])
        ]
        # errors come in runs: next to a flagged character a swap is judged against a
        # context that is itself wrong, so its neighbours keep all but hopeless options
        near = {
            i
            for k in flagged
            for i in range(k - self.config.run_radius, k + self.config.run_radius + 1)
        }
        out = self._weigh_usage(
            han,
            [
                (in_run.get(k, opts) if k in near else keep.get(k, opts))
                for k, opts in enumerate(cast(list[list[Option]], slots))
            ],
            clauses,
        )
        for k in {
            k for k, _ in on_trial
        } - near:  # those on trial stay only if usage lifted them above the margin
            kept = out[k][0]
            out[k] = [
                o
                for o in out[k]
                if on_trial.get((k, o.text), math.inf) + o.cost - kept.cost
                > self.config.screen_margin
            ]
        if trigrams is None or not self.config.repeat_weight:
            return out
        return self._weigh_repeats(han, out, trigrams)

    def _weigh_usage(
        self, han: str, slots: list[list[Option]], clauses: Collection[int] = ()
    ) -> list[list[Option]]:
        """Add to each remaining replacement how much likelier general usage finds it than the
        reading.

        ``lexicon_weight * (log10 P_words(context with t) - log10 P_words(context as read))``
        over up to :attr:`OcrConfig.lexicon_window` characters either side, as read, but not past
        the start or end of the clause (*clauses*: indexes of *han* where one starts;
        a window that reaches a clause edge is scored from ``<s>`` or to ``</s>``). The
        Han characters of a paragraph run together for the character LM, but ``（四）``
        or ``2025年`` is no place for a word model to look across. The two-draft LM
        knows the domain's phrasing but few of the words a reprint may use.

        A character that starts or ends its clause is weighed with
        :attr:`OcrConfig.lexicon_edge_weight` instead: there the word model's ``<s>`` / ``</s>``
        says what the character LM, which reads a paragraph's Han characters as one
        stream, cannot see (few words start a clause with 力 rather than 为). Not for a
        clause of one character (``（四）``), where the word model has nothing but the
        edges to go on.
        """
        if self.words is None or not self.config.lexicon_weight:
            return slots
        out = []
        for k, opts in enumerate(slots):
            if len(opts) > 1:
                lo, hi = clause_window(k, len(han), clauses, self.config.lexicon_window)
                bos, eos = lo == 0 or lo in clauses, hi == len(han) or hi in clauses
                base, *scores = self.words.logprob_many(
                    han[lo:k], [o.text for o in opts], han[k + 1 : hi], bos, eos
                )
                at_edge = (k == lo and bos) or (k + 1 == hi and eos)
                weigh = (
                    self.config.lexicon_edge_weight
                    if at_edge and hi - lo > 1
                    else self.config.lexicon_weight
                )
                opts = [opts[0]] + [
                    Option(o.text, o.cost + weigh * (sc - base)) for o, sc in zip(opts[1:], scores)
                ]
            out.append(opts)
        return out

    def _weigh_repeats(
        self, han: str, slots: list[list[Option]], trigrams: Counter[str]
    ) -> list[list[Option]]:
        """Add to each replacement how much more often the rest of the page has it in this place.

        ``repeat_weight * (log10(1 + seen(t)) - log10(1 + seen(o)))``, where ``seen(x)``
        is the largest page count (*trigrams*, counted over the page as read) of the
        three trigrams that have *x* at this position and its neighbours as read; the
        reading's own occurrence is taken off its count, so a position is never its
        own evidence. Unlike the document model (:func:`document_model`), this
        counts a phrase the page has only once elsewhere, and it knows the position.
        """
        get = (
            trigrams.get
        )  # not trigrams[...]: a Counter's miss is a Python-level call, and most lookups miss
        weigh = self.config.repeat_weight
        out = []
        for k, opts in enumerate(slots):
            if len(opts) > 1:
                # the (before, after) of the trigrams that hold position k: 2+0, 1+1, 0+2 neighbours
                around = [
                    (han[a:k], han[k + 1 : a + 3])
                    for a in range(max(0, k - 2), k + 1)
                    if a + 3 <= len(han)
                ]
                if around:
                    kept = opts[0].text
                    base = math.log10(
                        max([1] + [get(b + kept + f, 0) for b, f in around])
                    )  # its own occurrence: at least 1
                    opts = [opts[0]] + [
                        Option(
                            o.text,
                            o.cost
                            + weigh
                            * (
                                math.log10(1 + max([get(b + o.text + f, 0) for b, f in around]))
                                - base
                            ),
                        )
                        for o in opts[1:]
                    ]
            out.append(opts)
        return out

    def _margin(self, lm: Scorer, chosen: list[str], k: int, observed: str, cost: float) -> float:
        """How much better the correction is than keeping the character, locally: log10 odds."""
        n = lm.order - 1
        left = "".join(chosen[max(0, k - n) : k])
        right = "".join(chosen[k + 1 : k + 1 + n])
        fixed, kept = lm.score(
            [left + chosen[k] + right, left + observed + right], bos=False, eos=False
        )
        return float(fixed - kept) + cost


#: removal candidates whose windows are scored in one batch (memory flat in a text's length)
_INVENTED_BATCH = 4096
#: the reason of an edit that removes a character the engine invented
INVENTED: Reason = "invented"
#: what an invented character most often stands for when it is no character: a rule or dash read
#: as its one-stroke twin
_STROKE_TWINS = {"一": "—"}


def _probability(log_odds: float) -> float:
    """The probability of log10 odds *log_odds*."""
    return 1.0 / (1.0 + 10.0 ** (-log_odds))


def han_paragraphs(text: str) -> list[list[int]]:
    """The offsets of each paragraph's Han characters (paragraphs end at a blank line)."""
    out = []
    start = 0
    for m in [*_BLOCK_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        out.append([h.start() for h in _HAN.finditer(text, start, end)])
        start = m.end() if m else end
    return out


def document_domain_weight(text: str, model: Model) -> float | None:
    """How much *text* reads like *model*'s training text rather than general usage, in [0, 1].

    The weight of the training text's character frequencies in the mixture with
    general usage (jieba's dictionary) that best explains the document's Han
    characters (:func:`textrepair.usage.mixture_weight`): about 0.9 for a policy
    plan, near 0 for a newspaper page. None when the model has no word counts.
    """
    domain = domain_char_counts(str(words_path_for(model.path))) if model.path is not None else None
    if not domain:
        return None
    return mixture_weight(Counter(_HAN.findall(text)), domain, general_char_counts())


def document_model(
    units: list[str], order: int, discount: int = _DEFAULT.cache_discount
) -> Model | None:
    """A model of what the document itself repeats: its n-grams seen more than *discount* times,
    each count less *discount*.

    Text is mostly read right, and a policy document says the same things many
    times (its offices, its recurring phrases), so the rest of the document is
    evidence about any one place in it. Taking one off every count leaves each
    position out of its own evidence, as far as a static model can: an n-gram
    the document has once, a misreading most likely, adds nothing. The default
    takes off two: an OCR engine misreads the same glyph in the same phrase the
    same way more than once, and with one off, one other copy of a misreading
    would be all the support it needs. None when nothing repeats.
    """
    return _document_model(page_ngrams(units, order), discount)


def page_ngrams(units: list[str], order: int) -> list[Counter[str]]:
    """Counts of the n-grams of ``<s> unit </s>``, n = 1..*order*, as strings (as
    :func:`~textrepair.lm.train.count_ngrams` counts).

    Strings rather than tuples: a streamed piece of 200 000 characters has that
    many n-grams of each order. ``<s>`` and ``</s>`` are control characters here,
    so a query of Han characters never matches an n-gram that has them.
    """
    out = []
    for n in range(1, order + 1):
        counts: Counter[str] = Counter()
        for unit in units:
            if unit:
                s = _BOS_MARK + unit + _EOS_MARK
                counts.update(s[i : i + n] for i in range(len(s) - n + 1))
        out.append(counts)
    return out


def _document_model(
    counts: list[Counter[str]], discount: int = _DEFAULT.cache_discount
) -> Model | None:
    """:func:`document_model` from :func:`page_ngrams`: the n-grams seen more than *discount* times,
    made tuples, less *discount*."""
    if not counts or not counts[0]:
        return None
    marks = {_BOS_MARK: BOS, _EOS_MARK: EOS}
    loo = [
        Counter(
            {
                tuple(marks.get(ch, ch) for ch in g): c - discount
                for g, c in order.items()
                if c > discount
            }
        )
        for order in counts
    ]
    if len(loo[0]) < 2 or (len(loo) > 1 and not loo[1]):
        return None
    return Model(ngram_model=estimate_from_counts(loo, kneser_ney=False), dense_bigrams=False)


def _pieces(
    text: str, paragraphs: list[list[int]], longest: int = _DEFAULT.block_han
) -> Iterator[list[int]]:
    """The paragraphs' Han positions, a paragraph longer than *longest* cut into pieces.

    A cut goes at the first clause start at or after each *longest* characters (at the
    limit itself if the clause runs on), so the search never holds one huge paragraph.
    """
    for positions in paragraphs:
        if len(positions) <= longest:
            yield positions
            continue
        starts = sorted(clause_starts(text, positions))
        at = 0
        while len(positions) - at > longest:
            i = bisect.bisect_left(starts, at + longest)
            cut = starts[i] if i < len(starts) and starts[i] < at + 2 * longest else at + longest
            yield positions[at:cut]
            at = cut
        yield positions[at:]


def _groups(pieces: Iterable[list[int]], size: int) -> Iterator[list[list[int]]]:
    """Consecutive pieces in groups of at most about *size* Han characters, decoded together."""
    group: list[list[int]] = []
    total = 0
    for piece in pieces:
        if group and total + len(piece) > size:
            yield group
            group, total = [], 0
        group.append(piece)
        total += len(piece)
    if group:
        yield group


def clause_starts(text: str, positions: list[int]) -> set[int]:
    """Indexes *k* of a paragraph's Han characters (at *positions* in *text*) that start a clause.

    A clause starts where anything but whitespace (punctuation, digits, Latin) stands
    between a Han character and the previous one; column-join spaces and line breaks
    inside a paragraph do not split it. Index 0 is not listed (it always starts one).
    """
    return {
        k for k in range(1, len(positions)) if text[positions[k - 1] + 1 : positions[k]].strip()
    }


def clause_window(k: int, n: int, clauses: Collection[int], radius: int) -> tuple[int, int]:
    """``(lo, hi)``: up to *radius* characters either side of *k* (of *n*), not crossing a clause
    start."""
    lo, hi = max(0, k - radius), min(n, k + 1 + radius)
    lo = max([lo] + [c for c in clauses if lo < c <= k])
    hi = min([hi] + [c for c in clauses if k < c < hi])
    return lo, hi


def _common(
    seen: AbstractSet[str], cands: AbstractSet[str] | Mapping[str, object]
) -> AbstractSet[str]:
    """The members of *seen* in *cands* (a set, or a mapping's keys), the smaller iterated.

    Two sets meet by ``&``, which iterates the smaller in C; a mapping's keys are iterated
    here: a frozenset ``&`` a mapping's keys walks the whole frozenset (a common character's
    neighbours, thousands) to find the few candidates.
    """
    if isinstance(cands, (set, frozenset)) and isinstance(seen, (set, frozenset)):
        return seen & cands
    if len(cands) < len(seen):
        return {c for c in cands if c in seen}
    return {c for c in seen if c in cands}


class Neighbours(NamedTuple):
    """Per character, the characters seen right after it (``succ``) and right before it
    (``pred``) in a set of bigrams."""

    succ: dict[str, frozenset[str]]
    pred: dict[str, frozenset[str]]


_NEIGHBOURS_LOCK = threading.Lock()


def neighbours_of(model: Model, general: Model | None = None) -> Neighbours:
    """:func:`bigram_neighbours` of *model*'s bigrams and *general*'s: built once per pair of
    models (behind a lock, so threads share one) and shared by every corrector over them (the
    general model's 400 000 bigrams make it a 100 MB index)."""
    with _NEIGHBOURS_LOCK:
        return _neighbours_of(model, general)


@lru_cache(maxsize=2)  # the shipped pair, and one more (a benchmark's fold of the drafts)
def _neighbours_of(model: Model, general: Model | None) -> Neighbours:
    return bigram_neighbours([*model.bigrams, *(general.bigrams if general is not None else ())])


def bigram_neighbours(bigrams: Iterable[str]) -> Neighbours:
    """Characters seen after / before each character in *bigrams* (two-character strings).

    Grouped with numpy, so Python touches each character once, not each bigram. Each
    character is one string object throughout (indexing a string makes a new one for every
    non-Latin-1 character: for the general model's bigrams, 60 MB of copies).

    >>> bigram_neighbours(["甲乙", "甲丙", "丙乙"]).pred["乙"] == frozenset("甲丙")
    True
    """
    joined = "".join(b for b in bigrams if len(b) == 2)
    if not joined:
        return Neighbours({}, {})
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp = cp.reshape(-1, 2)
    present = np.bincount(cp.ravel())
    chars = np.flatnonzero(present)
    index = np.zeros(len(present), dtype=np.int64)
    index[chars] = np.arange(len(chars))
    ids = index[cp]
    objects = [sys.intern(chr(c)) for c in chars.tolist()]
    out = []
    for key, value in ((0, 1), (1, 0)):
        order = np.argsort(ids[:, key], kind="stable")
        keys = ids[order, key]
        values = [objects[i] for i in ids[order, value].tolist()]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]).tolist()
        out.append(
            {
                objects[keys[a]]: frozenset(values[a:b])
                for a, b in zip(starts, [*starts[1:], len(keys)])
            }
        )
    return Neighbours(out[0], out[1])


def make_corrector(
    model: Model,
    table: ConfusionTable | None = None,
    channel: str | Path | None = None,
    config: OcrConfig | None = None,
    calibrated: bool = True,
) -> GlyphCorrector:
    """The corrector :func:`repair_ocr` uses: the shipped look-alike table, the IDS tables and the
    channel (and, unless not *calibrated*, the shipped calibration).

    *channel*: a channel file (``textrepair learn-channel``), ``"tesseract"`` for the shipped
    one (learnt from Tesseract 5), or None / ``"none"`` for the glyph tables alone. (The
    default of :func:`textrepair.repair`, ``"auto"``, is not one corrector but a choice
    between two per document: :func:`glyph_edits`.)
    *config*: the settings (:class:`~textrepair.ocr.config.OcrConfig`; None: the defaults).
    Cached per (model, table, channel, config, calibrated), so its context indexes and option
    caches are built once; its caches hold deterministic values only, so sharing it
    between threads is safe.
    """
    channel_key = None if channel is None else str(channel)
    return _corrector(
        model, table or load_confusions(), channel_key, config or _DEFAULT, calibrated
    )


@lru_cache(maxsize=8)
def _corrector(
    model: Model, table: ConfusionTable, channel: str | None, config: OcrConfig, calibrated: bool
) -> GlyphCorrector:
    return GlyphCorrector(
        model,
        table,
        config,
        parts=load_confusions(name="parts"),
        splits=load_splits(),
        glyphs=load_glyph_space(),
        words=load_word_model() or GeneralWords(),
        general=load_general_model(),
        channel=None if channel in (None, "none") else load_channel(channel),
        passages=_passages(model, config.passage_context),
        general_passages=load_general_passages() if config.passage_context else None,
        lexicon=lexicon_gaps,
        calibration=load_calibration("none" if channel in (None, "none") else "learnt")
        if calibrated
        else None,
    )


def _passages(model: Model, context: int) -> GapIndex | None:
    """The windows of the model's training text (``x.units.txt`` beside it); None when it has
    none or *context* is 0."""
    if not context or model.path is None:
        return None
    path = units_path_for(model.path)
    return GapIndex(read_units(path), context) if path.exists() else None


def range_dashes(text: str) -> list[Edit]:
    """A dash read as 一 between two Arabic numbers (``3万一10万`` -> ``3万—10万``): a Han numeral
    never stands between Arabic digits, and both engines measured read the range dash of
    Chinese text (—) as 一."""
    return [Edit(m.start(), "一", "—", 0.99, "dash") for m in _RANGE_ONE.finditer(text)]


def glyph_edits(
    text: str,
    model: Model,
    table: ConfusionTable | None = None,
    channel: str | Path | None = None,
    config: OcrConfig | None = None,
) -> tuple[GlyphCorrector, list[Edit]]:
    """The corrector *text* is read with and its glyph edits (offsets into *text*).

    *channel* as :func:`make_corrector`, or ``"auto"``: the shipped channel, learnt from
    Tesseract, where it finds the document noisy, else the glyph tables alone. The channel
    reads the document first, and its reading is kept where it changes at least
    :attr:`OcrConfig.auto_channel_density` of the Han characters: on a page Tesseract read
    (0.2-6 % misread) it mostly does; on a cleaner engine's page (0.01-1 %) or one misread
    unlike Tesseract, the channel's many candidates cost more than they fix, and the tables
    read the page again. On such a page a correction of the tables stands where the channel's
    reading made it too or the rendered look-alike table offers it; one that only the context,
    a glyph's parts or the passages suggested, and the engine's record does not back, is left
    out. A text is one document here: ``textrepair restore`` and ``batch``
    hand a file longer than about 200 000 characters over in pieces of whole lines, each
    decided alone.
    """
    if channel != AUTO:
        corrector = make_corrector(model, table, channel, config)
        return corrector, corrector.correct(text)
    cfg = config or _DEFAULT
    learnt = make_corrector(model, table, "tesseract", config)
    found = learnt.correct(text)
    if len(found) >= cfg.auto_channel_density * max(1, len(_HAN.findall(text))):
        return learnt, found
    tables = make_corrector(model, table, None, config)
    agreed = {(e.offset, e.new) for e in found}
    return tables, [
        e
        for e in tables.correct(text)
        if (e.offset, e.new) in agreed or tables.looks_alike(e.old, e.new)
    ]


def repair_ocr(
    text: str,
    model: Model,
    table: ConfusionTable | None = None,
    channel: str | Path | None = None,
    config: OcrConfig | None = None,
) -> Repair:
    """Glyph corrections and range dashes, then layout and punctuation; edits index *text*.

    *channel* as :func:`glyph_edits`; None here is the glyph tables alone, while
    :func:`textrepair.repair` passes ``"auto"`` for its None.
    """
    return with_glyph_edits(text, glyph_edits(text, model, table, channel, config)[1])


def with_glyph_edits(text: str, found: list[Edit]) -> Repair:
    """*text* repaired with the glyph edits *found* (:func:`glyph_edits`), range dashes, layout and
    punctuation; edits index *text*."""
    dashes = range_dashes(text)
    at_dash = {e.offset for e in dashes}
    glyph = [e for e in found if e.offset not in at_dash]  # the rule wins
    # the layout works on the text with every one-for-one glyph change made, so its offsets are
    # the input's; it still reads a range's 一 as a character (a dash would stop a wrapped line
    # from being joined). Removals come after it, unless a layout edit touches the removed
    # character.
    same_length = [e for e in glyph if e.new]
    corrected = apply_edits(text, same_length)
    _, layout = fix_layout(corrected)
    spans = [(e.offset, e.offset + len(e.old)) for e in layout]
    removals = [e for e in glyph if not e.new and not any(a <= e.offset < b for a, b in spans)]
    edits = sorted(
        same_length + dashes + layout + removals, key=lambda e: (e.offset, e.old != "")
    )  # insertions before replacements
    repaired = apply_edits(text, edits)
    foreign = foreign_spans(text)
    if foreign:  # traditional-script and Japanese lines are not modelled: left as they are
        edits = [
            e
            for e in edits
            if not any(a <= e.offset + len(e.old) and e.offset < b for a, b in foreign)
        ]
        repaired = apply_edits(text, edits)
    return Repair(repaired, "ocr", edits)
