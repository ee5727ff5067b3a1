"""Rebuilding character-dropped text.

The format (see ``corpora/national_yijian_dropped.txt``): punctuation and digits
removed, the text segmented into words, every character of a drop set ``D``
deleted everywhere, characters of a word joined by one space and words by three;
a word whose characters were all deleted leaves two more spaces (5, 7, 9 …).
So every gap says whether it is inside a word or between words, and how many
whole words vanished there.

The restorer turns that into a lattice for :func:`textrepair.search.beam_search`:

* each surviving word (its kept characters ``r``) is a slot whose options are
  the words ``w`` that reduce to ``r`` once ``D`` is deleted (from the lexicon:
  jieba's dictionary plus the training text's words), ``r`` itself included,
  weighed by ``P(w | r)``;
* each gap where ``k`` words vanished is a slot whose options are sequences of
  ``k`` words made only of ``D`` characters: the most probable ones overall, and
  every run of ``D`` characters the training text showed between the same two
  kept characters (read off the LM's n-grams), and the ones the n-gram models find
  likeliest between the kept characters around the gap
  (:meth:`DroppedRestorer.context_fillers`), weighed by their best split into ``k``
  lexicon words;
* the character LM scores the concatenation.

Kept characters are never changed, dropped or reordered: every option of a
word slot reduces to exactly its kept characters (checked), and insertions
are made only of drop-set characters.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import regex

from ..lm.longmatch import LongMatch, MatchIndex
from ..lm.scorer import Interpolated, Model, Scorer, State
from ..lm.words import UsageModel
from ..search import Option, Problem, beam_search_chunked, beam_search_many
from ..types import Edit
from .config import DroppedConfig
from .lexicon import ReductionIndex
from .segmentation import DictionaryCut, crossings, ends, jieba_cut

_TOKEN = regex.compile(r" +|[^ ]")


class RestoredLine(NamedTuple):
    """A restored line, its edits (offsets into the input line), and its word ends.

    ``word_ends`` are offsets in ``text`` after which a word boundary lies (where
    punctuation may go; see :mod:`textrepair.dropped.punct`).
    """

    text: str
    edits: list[Edit]
    word_ends: list[int]


#: rows of one language-model call when the restorer weighs its choices (:meth:`DroppedRestorer.
#: confidences`): a long document's slots in batches, its memory bounded
CONFIDENCE_BATCH = 1 << 16


class FormatWarning(UserWarning):
    """The text does not look like the character-dropped format; it was returned unchanged."""


@dataclass
class Word:
    """A surviving word: its kept characters and their offsets in the input line."""

    kept: str
    offsets: list[int]


@dataclass
class Line:
    """A parsed line: the surviving words and how many words vanished around them.

    ``vanished[i]`` is the number of whole words deleted before ``words[i]``
    (``i == len(words)``: after the last word).
    """

    words: list[Word] = field(default_factory=list)
    vanished: list[int] = field(default_factory=list)


def parse_line(line: str) -> Line:
    """Split one line of dropped text into words and vanished-word counts."""
    out = Line()
    current: Word | None = None
    pending_vanished = 0
    for m in _TOKEN.finditer(line):
        tok = m.group()
        if tok[0] != " ":
            if current is None:
                current = Word("", [])
                out.words.append(current)
                out.vanished.append(pending_vanished)
                pending_vanished = 0
            current.kept += tok
            current.offsets.append(m.start())
            continue
        n = len(tok)
        at_edge = m.start() == 0 or m.end() == len(line)
        if at_edge:
            # a line-initial/-final run of 2k spaces: k vanished words
            pending_vanished += n // 2
            current = None
        elif n == 1:
            continue  # inside a word
        else:
            # 3 spaces between words, 2 more per vanished word; an even run is
            # off-format and read as one space longer (2 -> a word boundary)
            pending_vanished += (n - 2) // 2 if n % 2 == 0 else (n - 3) // 2
            current = None
    out.vanished.append(pending_vanished)
    return out


class SpacingWarning(UserWarning):
    """The dropped text's spacing breaks the format in places; it was read there as the nearest
    valid spacing (:func:`spacing_anomalies`)."""


_SPACE_RUN = regex.compile(r" +")


def spacing_anomalies(text: str) -> list[tuple[int, int]]:
    """``(line, column)`` (from 1) of every run of spaces that the format cannot produce: an
    even run between two characters of a line (a word's characters are one space apart, words
    three, and each vanished word adds two), or an odd run at a line's start or end (two spaces
    per vanished word). :func:`parse_line` reads an even run as the odd one a space longer, and
    an odd run at an edge as the even one a space shorter."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        for m in _SPACE_RUN.finditer(line):
            edge = m.start() == 0 or m.end() == len(line)
            if (len(m.group()) % 2 == 0) != edge and line.strip(" "):
                out.append((n, m.start() + 1))
    return out


def format_evidence(text: str) -> float:
    """How much *text* looks like the dropped format, in [0, 1].

    The share of adjacent non-space characters that are separated by an odd
    run of spaces (every pair is, in the format).
    """
    pairs = separated = 0
    for line in text.splitlines():
        toks = _TOKEN.findall(line.strip(" "))
        for a, b in zip(toks, toks[1:]):
            if a[0] != " " and b[0] != " ":
                pairs += 1
            elif a[0] == " ":
                pairs += 1
                separated += len(a) % 2 == 1
    return separated / pairs if pairs else 0.0


def looks_dropped(text: str, threshold: float = 0.9) -> bool:
    """At least two characters, and spacing evidence (:func:`format_evidence`) >= *threshold*."""
    return format_evidence(text) >= threshold and sum(not c.isspace() for c in text) >= 2


@dataclass
class Lattice:
    """The search problem of one line: its slots, and what each slot fills."""

    parsed: Line
    slots: list[list[Option]]
    kinds: list[
        tuple[str, int]
    ]  # ("word", i): words[i]; ("gap", i): the vanished words before words[i]

    def texts(self, choices: Sequence[int]) -> list[str]:
        """The text of the chosen option of every slot."""
        return [slot[c].text for slot, c in zip(self.slots, choices)]


@dataclass
class DroppedRestorer:
    """Restores dropped text with a character LM and a word reduction index."""

    model: Model
    index: ReductionIndex
    drop_set: frozenset[str]
    config: DroppedConfig = DroppedConfig()
    #: general-usage character model (:mod:`textrepair.lm.general`), interpolated with *model*
    general: Model | None = None
    #: its share in the LM (None: the config's for a document like the training text)
    general_weight: float | None = None
    #: the training text's substrings (:mod:`textrepair.lm.longmatch`), mixed in where the
    #: context is longer than the n-gram model's
    matches: MatchIndex | None = None
    #: general usage (the general word trigram): weighs the options of a second decoding
    #: (:meth:`weigh_usage`); None: only the segmenter's cut may call for one
    words: UsageModel | None = None
    #: its weight (None: :attr:`DroppedConfig.usage_weight`)
    usage_weight: float | None = None

    def __post_init__(self) -> None:
        weight = (
            self.config.general_weight_domain
            if self.general_weight is None
            else self.general_weight
        )
        #: what scores: the drafts' model alone, or interpolated with the general one
        self.lm: Scorer = (
            self.model if self.general is None else Interpolated(self.model, self.general, weight)
        )
        #: the n-gram models alone: what ranks the options :meth:`context_fillers` adds
        self.ngram_lm: Scorer = self.lm
        if self.matches is not None and self.config.long_match_weight > 0:
            self.lm = LongMatch(
                self.lm,
                self.matches,
                self.config.long_match_weight,
                self.config.long_match_min_context,
            )
        self.fillers = FillerModel(self.index.drop_only)
        self.runs = context_runs(self.model.long_ngrams, self.drop_set)
        self._filler_cache: dict[tuple[int, str, str], list[Option]] = {}

    def restore_line(self, line: str) -> tuple[str, list[Edit]]:
        """One restored line and its edits (offsets into *line*)."""
        restored = self.restore_lines([line])[0]
        return restored.text, restored.edits

    def restore_lines(self, lines: Sequence[str]) -> list[RestoredLine]:
        """Restore several lines, decoded together in lockstep (see :func:`beam_search_chunked`).

        A long line is cut into chunks of :attr:`DroppedConfig.chunk_slots
        <textrepair.dropped.config.DroppedConfig.chunk_slots>` slots decoded side by
        side (:func:`beam_search_chunked`), which only blurs the LM context of the
        first slot after each cut.
        """
        lattices = self.lattices([parse_line(line) for line in lines])
        choices = self._decode(lattices)
        confidences = self.confidences(lattices, choices)
        segment = self.config.segment_weight
        cut = _cut_for(lattices) if segment else None
        if cut is not None and self.segment_disagreement(lattices, choices, confidences, cut) > (
            self.config.segment_max_disagreement
        ):
            segment = 0.0  # the document was cut by another segmenter than jieba's dictionary
        if (self.words is not None and self._usage_weight) or segment:
            lattices, weighed = self.weigh_usage(lattices, choices, confidences, segment, cut)
            if any(weighed):
                choices, again = self._redecode(lattices, choices, weighed)
                confidences = self.confidences(lattices, choices, again, confidences)
        return [
            self.assemble(line, lat, ch, cf)
            for line, lat, ch, cf in zip(lines, lattices, choices, confidences)
        ]

    @property
    def _usage_weight(self) -> float:
        return self.config.usage_weight if self.usage_weight is None else self.usage_weight

    def _decode(self, lattices: Sequence[Lattice]) -> list[list[int]]:
        return beam_search_chunked(
            self.lm,
            [lat.slots for lat in lattices],
            chunk=self.config.chunk_slots,
            beam=self.config.beam,
        )

    def _redecode(
        self, lattices: Sequence[Lattice], choices: Sequence[list[int]], weighed: Sequence[set[int]]
    ) -> tuple[list[list[int]], list[set[int]]]:
        """The choices decided again around each weighed slot, and per line the slots whose
        confidence may have changed.

        Each weighed slot and :attr:`DroppedConfig.usage_span` slots either side (windows
        closer than the n-gram model reads are merged, up to
        :attr:`DroppedConfig.chunk_slots` slots) are decoded again, after the text the first
        decoding chose before them and followed by the slots it chose after them, held fixed,
        as far as the n-gram model reads; the rest keeps its choices. Short windows make the
        second decoding a few steps long instead of a whole chunk's.
        """
        span, order, n = self.config.usage_span, self.model.order, self.lm.order - 1
        problems: list[Problem] = []
        owners: list[tuple[int, int, int]] = []
        again: list[set[int]] = []
        for li, (lat, ch, ks) in enumerate(zip(lattices, choices, weighed)):
            texts = lat.texts(ch)
            again.append(set())
            windows = [(max(0, k - span), min(len(texts), k + span + 1)) for k in sorted(ks)]
            for lo, hi in _merged(windows, gap=order - 1, longest=self.config.chunk_slots):
                start = self.lm.begin_state().extend("".join(texts[max(0, lo - n) : lo]), n + 1)
                tail: list[list[Option]] = []
                j, read = hi, 0
                while j < len(texts) and read < order - 1:
                    tail.append([lat.slots[j][ch[j]]])
                    read += len(texts[j])
                    j += 1
                problems.append(Problem(list(lat.slots[lo:hi]) + tail, start, eos=j >= len(texts)))
                owners.append((li, lo, hi))
                # a slot's confidence reads the LM's context before it and the n-gram's after it
                again[-1].update(range(max(0, lo - order + 1), min(len(texts), hi + n)))
        out = [list(c) for c in choices]
        decoded = beam_search_many(self.lm, problems, beam=self.config.beam)
        for (li, lo, hi), best in zip(owners, decoded):
            out[li][lo:hi] = best.choices[: hi - lo]
        return out, again

    def segment_disagreement(
        self,
        lattices: Sequence[Lattice],
        choices: Sequence[list[int]],
        confidences: Sequence[list[float]],
        cut: DictionaryCut | None = None,
    ) -> float:
        """The share of the recorded word boundaries between two settled slots (first-decoding
        confidence at least :attr:`DroppedConfig.usage_below`) that a word of two or three
        characters of jieba's dictionary cut of the first decoding crosses, counted as if
        :attr:`DroppedConfig.segment_prior` more boundaries had been seen uncrossed.

        Near 0 where the document was segmented by jieba's dictionary (with or without its
        HMM, long words cut again or not: 0-1.2 % on the proxies, whose restorations are
        right at most of those places); higher where another segmenter cut it, whose
        boundaries the dictionary's words cross even in a right restoration (snownlp's:
        4-5.5 %).
        """
        cut = cut or _cut_for(lattices)
        below = self.config.usage_below
        crossed = total = 0
        for lat, ch, conf in zip(lattices, choices, confidences):
            texts = lat.texts(ch)
            after = ends(texts)
            sure = {
                after[k]
                for k in range(len(texts) - 1)
                if conf[k] >= below and conf[k + 1] >= below and texts[k] and texts[k + 1]
            }
            total += len(sure)
            if sure:
                crossed += crossings(cut.cut("".join(texts)), sure)
        # a short text is taken to be cut by jieba's dictionary until it shows otherwise
        return crossed / (total + self.config.segment_prior)

    def weigh_usage(
        self,
        lattices: Sequence[Lattice],
        choices: Sequence[list[int]],
        confidences: Sequence[list[float]],
        segment: float | None = None,
        cut: DictionaryCut | None = None,
    ) -> tuple[list[Lattice], list[set[int]]]:
        """The lattices with what general usage and the segmenter say of each option added to its
        cost, and per lattice the slots weighed.

        Three drafts cannot teach which function word follows which verb, nor most of the
        words of a text that is not a policy plan; the general word trigram can. Each option
        of an unsettled slot (first-decoding confidence below
        :attr:`DroppedConfig.usage_below`) is scored by it between its neighbours as the
        first decoding chose them (:attr:`DroppedConfig.usage_window` characters each side),
        and :attr:`usage_weight` times that log10 probability, less the slot's best, is added
        to its cost. The option is also cut into words with its neighbours (:attr:`DroppedConfig.
        segment_span` slots each side) by jieba's dictionary, and each disagreement with the
        boundaries the damaged text records costs *segment* (None:
        :attr:`DroppedConfig.segment_weight`; :mod:`textrepair.dropped.segmentation`; *cut*:
        the dictionary cut to use, built for the lattices' characters when None). A second
        decoding then decides with all of it.
        """
        width, weight = self.config.usage_window, self._usage_weight
        words = self.words if weight else None
        seg = self.config.segment_weight if segment is None else segment
        span = self.config.segment_span
        cut = (cut or _cut_for(lattices)) if seg else None
        out: list[Lattice] = []
        weighed: list[set[int]] = []
        for lat, ch, conf in zip(lattices, choices, confidences):
            texts = lat.texts(ch)
            # a gap slot's text may hold several vanished words, whose boundaries it does not keep
            whole = [kind == "word" or lat.parsed.vanished[i] == 1 for kind, i in lat.kinds]
            slots = list(lat.slots)
            weighed.append(set())
            for k, slot in enumerate(slots):
                if len(slot) < 2 or conf[k] >= self.config.usage_below:
                    continue
                options = [o.text for o in slot]
                costs = [o.cost for o in slot]
                if words is not None:
                    left = "".join(texts[max(0, k - width) : k])[-width:]
                    right = "".join(texts[k + 1 : k + 1 + width])[:width]
                    scores = words.logprob_many(left, options, right)
                    best = max(scores)
                    costs = [c + weight * (sc - best) for c, sc in zip(costs, scores)]
                spoke = words is not None
                if cut is not None:
                    lo, hi = max(0, k - span), k + 1 + span
                    conflicts = [
                        cut.conflicts([*texts[lo:k], o, *texts[k + 1 : hi]], whole[lo:hi])
                        for o in options
                    ]
                    costs = [c - seg * x for c, x in zip(costs, conflicts)]
                    spoke = spoke or len(set(conflicts)) > 1
                if spoke:  # decided again only where something told its options apart
                    weighed[-1].add(k)
                    slots[k] = [Option(o, c) for o, c in zip(options, costs)]
            out.append(Lattice(lat.parsed, slots, lat.kinds))
        return out, weighed

    def confidences(
        self,
        lattices: Sequence[Lattice],
        choices: Sequence[list[int]],
        only: Sequence[set[int]] | None = None,
        previous: Sequence[list[float]] | None = None,
    ) -> list[list[float]]:
        """Per slot, the local posterior of its chosen option.

        Every option of a slot is scored in the window of its chosen neighbours
        (the LM's context before it, the n-gram model's after it) plus its prior cost; the chosen
        option's share of ``10 ** score`` over the slot's options is its
        confidence. Batched LM calls of up to :data:`CONFIDENCE_BATCH` rows over all slots of
        all lines (a row scores the same in any batch; a long document's rows at once took
        hundreds of MB); with *only* (per line, slot indexes), just those, the others keeping
        their *previous* confidences.
        """
        n = self.lm.order - 1
        right_n = self.model.order - 1
        out = (
            [[1.0] * len(lat.slots) for lat in lattices]
            if previous is None
            else [list(p) for p in previous]
        )
        contexts: list[State] = []
        rows: list[str] = []
        owners: list[tuple[int, int, int]] = []  # (line, slot, number of options)

        def flush() -> None:  # a batch's rows scored at once, each row as alone
            scores = self.lm.score_continuations(contexts, rows)
            at = 0
            for li, k, m in owners:
                slot = lattices[li].slots[k]
                total = scores[at : at + m] + np.fromiter(
                    (o.cost for o in slot), dtype=np.float64, count=m
                )
                at += m
                p = 10.0 ** (total - total.max())
                out[li][k] = float(p[choices[li][k]] / p.sum())
            contexts.clear()
            rows.clear()
            owners.clear()

        for li, (lat, ch) in enumerate(zip(lattices, choices)):
            texts = lat.texts(ch)
            for k, slot in enumerate(lat.slots):
                if len(slot) > 1 and (only is None or k in only[li]):
                    left = State("".join(texts[max(0, k - n) : k])[-n:], False)
                    right = "".join(texts[k + 1 : k + 1 + right_n])[:right_n]
                    contexts.extend([left] * len(slot))
                    rows.extend(o.text + right for o in slot)
                    owners.append((li, k, len(slot)))
                    if len(rows) >= CONFIDENCE_BATCH:
                        flush()
        if rows:
            flush()
        return out

    def lattices(self, parsed: Sequence[Line]) -> list[Lattice]:
        """The search problems of parsed lines: each line's :meth:`lattice` (the lexicon read for
        all their words in one pass), its gaps offered what their context asks for too
        (:meth:`context_fillers`)."""
        self.index.prepare(w.kept for p in parsed for w in p.words)
        return self.context_fillers([self.lattice(p) for p in parsed])

    def context_fillers(self, lattices: Sequence[Lattice]) -> list[Lattice]:
        """The lattices with each vanished-word gap offered the sequences of drop-set words the LM
        finds likeliest between the kept characters around it.

        The gap's own options (:meth:`_filler_options`) are the sequences likeliest anywhere and
        the runs the training text showed between the same two characters; a content word that
        vanished whole (市民, 盛大) is seldom among them. Here the
        :attr:`DroppedConfig.context_filler_pool` likeliest words are continued, a word at a time,
        from the kept characters before the gap (as many as the n-gram models read, from the
        line's start if it is that close; the long matches are left to the decoder), the last
        word followed by the first two kept characters after it (or the line's end). A beam of
        the :attr:`DroppedConfig.context_fillers` best distinct sequences is kept at each word,
        by LM score plus the words' own costs; the sequences of the last beam are added, at the
        cost the gap's own options have (their best split into as many words as vanished).
        Every context is searched once, all in one batch per word.
        """
        keep = self.config.context_fillers
        pool = self.fillers.ranked[: max(0, self.config.context_filler_pool)]
        if keep <= 0 or not pool:
            return list(lattices)
        weight, bonus = self.config.word_weight, self.config.insert_bonus
        texts = [w for w, _ in pool]
        costs = np.array([weight * lp + bonus * len(w) for w, lp in pool])
        lm = self.ngram_lm
        n = lm.order - 1
        #: (words, before, after, at the line's start, at its end) -> its search
        at: dict[tuple[int, str, str, bool, bool], int] = {}
        gaps: list[tuple[int, int, int]] = []  # lattice, slot, search
        for li, lat in enumerate(lattices):
            words = lat.parsed.words
            before, read = "", 0
            for si, (kind, i) in enumerate(lat.kinds):
                if kind == "word":
                    before = (before + words[i].kept)[-n:]
                    read += len(words[i].kept)
                elif lat.parsed.vanished[i]:
                    after = words[i].kept[:2] if i < len(words) else ""
                    key = (lat.parsed.vanished[i], before, after, read < n, i == len(words))
                    gaps.append((li, si, at.setdefault(key, len(at))))
        searches = list(at)
        beams: list[list[tuple[str, float]]] = [[("", 0.0)] for _ in searches]
        for step in range(max((k for k, *_ in searches), default=0)):
            for eos in (False, True):  # the last word of a gap at a line's end, then </s>
                asked = [
                    g
                    for g, (k, _, _, _, end) in enumerate(searches)
                    if step < k and eos == (step == k - 1 and end)
                ]
                states: list[State] = []
                rows: list[str] = []
                for g in asked:
                    k, before, after, start, _ = searches[g]
                    tail = after if step == k - 1 else ""
                    first = lm.begin_state() if start else lm.null_state()
                    for seq, _ in beams[g]:
                        states.extend([first.extend(before + seq, lm.order)] * len(texts))
                        rows.extend(w + tail for w in texts)
                if not rows:
                    continue
                scores = lm.score_continuations(states, rows, eos=eos)
                done = 0
                for g in asked:
                    m = len(beams[g]) * len(texts)
                    block = scores[done : done + m].reshape(-1, len(texts)) + costs
                    block += np.array([sc for _, sc in beams[g]])[:, None]
                    done += m
                    beams[g] = _best_distinct(beams[g], texts, block, keep)
        out = [Lattice(lat.parsed, list(lat.slots), lat.kinds) for lat in lattices]
        for li, si, g in gaps:
            k, beam = searches[g][0], beams[g]
            slot = out[li].slots[si]
            have = {o.text for o in slot}
            added = []
            for seq, _ in beam:
                if seq not in have and (lp := self.fillers.split(seq, k)) is not None:
                    added.append(Option(seq, weight * lp + bonus * len(seq)))
            if added:
                out[li].slots[si] = [*slot, *added]
        return out

    def lattice(self, parsed: Line) -> Lattice:
        """Slots of a parsed line: vanished-word gaps and words, in text order."""
        slots: list[list[Option]] = []
        kinds: list[tuple[str, int]] = []  # ("word", i) or ("gap", i)
        words = parsed.words
        for i, word in enumerate(words):
            if parsed.vanished[i]:
                left = words[i - 1].kept[-1] if i else ""
                slots.append(self._filler_options(parsed.vanished[i], left, word.kept[0]))
                kinds.append(("gap", i))
            slots.append(self._word_options(word.kept))
            kinds.append(("word", i))
        if words and parsed.vanished[-1]:
            slots.append(self._filler_options(parsed.vanished[-1], words[-1].kept[-1], ""))
            kinds.append(("gap", len(words)))
        return Lattice(parsed, slots, kinds)

    def assemble(
        self,
        line: str,
        lattice: Lattice,
        choices: list[int],
        confidences: Sequence[float] | None = None,
    ) -> RestoredLine:
        """The restored line, its edits and word ends, given one chosen option per slot.

        *confidences* (per slot, see :meth:`confidences`) become the edits'
        confidences; without them every edit says 1.0.
        """
        parsed, slots, kinds = lattice.parsed, lattice.slots, lattice.kinds
        pieces = Pieces([w.kept for w in parsed.words], [""] * (len(parsed.words) + 1))
        pieces.form_conf = [1.0] * len(parsed.words)
        pieces.filler_conf = [1.0] * (len(parsed.words) + 1)
        for k, ((kind, i), slot, c) in enumerate(zip(kinds, slots, choices)):
            conf = confidences[k] if confidences is not None else 1.0
            if kind == "word":
                pieces.forms[i], pieces.form_conf[i] = slot[c].text, conf
            else:
                pieces.fillers[i], pieces.filler_conf[i] = slot[c].text, conf
        if not parsed.words:
            return RestoredLine(line.strip(" "), _space_edits(line, parsed, pieces), [])
        text = "".join(f + w for f, w in zip(pieces.fillers, pieces.forms)) + pieces.fillers[-1]
        return RestoredLine(
            text, _space_edits(line, parsed, pieces), word_ends(pieces.fillers, pieces.forms)
        )

    # ---------------------------------------------------------------- options
    def _word_options(self, kept: str) -> list[Option]:
        opts = []
        for w, lp in self.index.expansions(kept, limit=self.config.max_expansions):
            if _reduce(w, self.drop_set) == kept:  # the invariant, checked
                opts.append(
                    Option(
                        w,
                        self.config.word_weight * lp
                        + self.config.insert_bonus * (len(w) - len(kept)),
                    )
                )
        return opts or [Option(kept, 0.0)]

    def _filler_options(self, k: int, left: str, right: str) -> list[Option]:
        """Sequences of *k* words made of drop-set characters for a gap between *left* and *right*.

        Two sources: the most probable sequences overall, and every run of
        drop-set characters the training text showed between these two kept
        characters (from the LM's n-grams), each weighed by its best split
        into *k* lexicon words.
        """
        key = (k, left, right)
        cached = self._filler_cache.get(key)
        if cached is not None:
            return cached
        cands = dict(
            self.fillers.sequences(k, self.config.max_fillers, self.config.max_filler_sequences)
        )
        for run in self.runs.get((left, right), ()):
            if run not in cands and (lp := self.fillers.split(run, k)) is not None:
                cands[run] = lp
        opts = [
            Option(t, self.config.word_weight * lp + self.config.insert_bonus * len(t))
            for t, lp in cands.items()
        ]
        self._filler_cache[key] = opts = opts or [Option("", 0.0)]
        return opts


def _reduce(w: str, drop_set: Collection[str]) -> str:
    return "".join(c for c in w if c not in drop_set)


class FillerModel:
    """Words made only of drop-set characters, ``log10 P(w | such a word)``."""

    def __init__(self, drop_only: Sequence[tuple[str, float]]):
        z = _log10_sum(lp for _, lp in drop_only) if drop_only else 0.0
        self.logp = {w: lp - z for w, lp in drop_only}
        self.ranked = sorted(self.logp.items(), key=lambda x: -x[1])
        self.max_len = max(map(len, self.logp), default=0)

    def sequences(self, k: int, vocabulary: int, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` most probable sequences of ``k`` of the ``vocabulary`` best words."""
        words = self.ranked[:vocabulary]
        seqs: list[tuple[str, float]] = [("", 0.0)] if words else []
        for _ in range(k):
            ext = ((s + w, ls + lw) for (s, ls), (w, lw) in itertools.product(seqs, words))
            seqs = heapq.nlargest(limit, ext, key=lambda x: x[1])
        return seqs

    def split(self, text: str, k: int) -> float | None:
        """Best log10 probability of *text* as exactly *k* words, or None if it cannot be split
        so."""
        n = len(text)
        best: list[dict[int, float]] = [{} for _ in range(n + 1)]  # best[i][j]: text[:i] in j words
        best[0][0] = 0.0
        for i in range(n):
            for j, lp in best[i].items():
                if j == k:
                    continue
                for e in range(i + 1, min(n, i + self.max_len) + 1):
                    w = self.logp.get(text[i:e])
                    if w is not None and lp + w > best[e].get(j + 1, -math.inf):
                        best[e][j + 1] = lp + w
        return best[n].get(k)


def context_runs(
    ngrams: Sequence[str], drop_set: Collection[str]
) -> dict[tuple[str, str], set[str]]:
    """Runs of drop-set characters seen between two kept characters, keyed by those two.

    *ngrams* are the model's n-grams (orders >= 3): every ``a r b`` with ``a`` and
    ``b`` kept and ``r`` made only of drop-set characters is a run the training
    text showed in that context.
    """
    runs: dict[tuple[str, str], set[str]] = {}
    for g in ngrams:
        a, mid, b = g[0], g[1:-1], g[-1]
        if a not in drop_set and b not in drop_set and all(c in drop_set for c in mid):
            runs.setdefault((a, b), set()).add(mid)
    return runs


def _log10_sum(values: Iterable[float]) -> float:
    vals = list(values)
    m = max(vals)
    return m + math.log10(sum(10 ** (v - m) for v in vals))


def word_ends(fillers: Sequence[str], forms: Sequence[str]) -> list[int]:
    """Word boundaries of the line ``fillers[0] forms[0] fillers[1] … forms[-1] fillers[-1]``.

    A boundary lies after every non-empty piece but the last. (A filler of
    several vanished words counts as one word: its inner boundaries are not known.)
    """
    ends: list[int] = []
    pos = 0
    for i, form in enumerate(forms):
        for piece in (fillers[i], form):
            if piece:
                pos += len(piece)
                ends.append(pos)
    if len(fillers) > len(forms):
        pos += len(fillers[len(forms)])
    return [e for e in ends if 0 < e < pos]


@dataclass
class Pieces:
    """A restored line as ``fillers[0] forms[0] fillers[1] … forms[-1] fillers[-1]``, with
    confidences."""

    forms: list[str]
    fillers: list[str]
    form_conf: list[float] = field(default_factory=list)
    filler_conf: list[float] = field(default_factory=list)


def _space_edits(line: str, parsed: Line, pieces: Pieces) -> list[Edit]:
    """Edits turning the input line into the output, one per gap.

    Each gap (the spaces before a kept character, and the tail of the line) is
    replaced by what goes there: the previous word's final insertion, the
    vanished words, then this word's initial insertion (or an inner one). Its
    confidence is the lowest of the slots that decided it.
    """
    offsets: list[int] = []
    before: list[tuple[str, float]] = []
    carry, carry_conf = "", 1.0  # the previous word's word-final insertion
    for i, word in enumerate(parsed.words):
        split = _split_form(pieces.forms[i], word.kept)
        conf = pieces.form_conf[i]
        for j, off in enumerate(word.offsets):
            offsets.append(off)
            if j == 0:
                gap_conf = min(carry_conf, pieces.filler_conf[i], conf)
                before.append((carry + pieces.fillers[i] + split[0], gap_conf))
            else:
                before.append((split[j], conf))
        carry, carry_conf = split[-1], conf
    trailing = (carry + pieces.fillers[-1], min(carry_conf, pieces.filler_conf[-1]))
    edits: list[Edit] = []
    prev_end = 0
    for off, (ins, conf) in zip(offsets, before):
        _add_gap_edit(edits, line, prev_end, off, ins, conf)
        prev_end = off + 1
    _add_gap_edit(edits, line, prev_end, len(line), *trailing)
    return edits


def _add_gap_edit(
    edits: list[Edit], line: str, start: int, end: int, new: str, confidence: float
) -> None:
    old = line[start:end]
    if old or new:
        edits.append(Edit(start, old, new, round(confidence, 4), "insertion" if new else "layout"))


def _split_form(form: str, kept: str) -> list[str]:
    """Split *form* around the kept characters: ``len(kept) + 1`` inserted pieces."""
    pieces = [""]
    k = 0
    for ch in form:
        if k < len(kept) and ch == kept[k]:
            pieces.append("")
            k += 1
        else:
            pieces[-1] += ch
    return pieces


def _cut_for(lattices: Sequence[Lattice]) -> DictionaryCut:
    """jieba's dictionary cut over the words made of the characters the lattices' options use
    (the same cut of every text they can make)."""
    return jieba_cut({c for lat in lattices for slot in lat.slots for o in slot for c in o.text})


def _best_distinct(
    beam: Sequence[tuple[str, float]], words: Sequence[str], scores: np.ndarray, keep: int
) -> list[tuple[str, float]]:
    """The *keep* best distinct sequences of *beam*'s hypotheses each followed by one of *words*
    (``scores[h, w]``): two paths to one string (有人+民, 有+人民) take one place."""
    best: dict[str, float] = {}
    for j in np.argsort(-scores, axis=None):
        h, w = divmod(int(j), len(words))
        best.setdefault(beam[h][0] + words[w], float(scores[h, w]))
        if len(best) == keep:
            break
    return list(best.items())


def _merged(
    spans: Iterable[tuple[int, int]], gap: int = 0, longest: int | None = None
) -> list[tuple[int, int]]:
    """Sorted half-open spans, those less than *gap* apart merged (so that no span's fixed
    context is another's decision), none longer than *longest*."""
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1] + gap and (longest is None or hi - out[-1][0] <= longest):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
