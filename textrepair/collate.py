"""Collating witnesses of one document: a character-dropped copy and an OCR'd reprint, or
two reprints.

The two kinds of damage lose different things. The dropped copy keeps every
character outside its drop set exactly (it comes from a clean digital source) but
none of the drop set and no punctuation; the reprint keeps nearly every character
and the punctuation, with glyph errors, and loses lines. Collation aligns them on
the characters both can have -- the dropped copy's kept characters against the
reprint's characters outside the drop set (:class:`difflib.SequenceMatcher`; the drop
set is the dropped copy's inferred one, with what the reprint shows of it:
:func:`witnessed_drop_set`) -- and writes one text:

* every kept character of the dropped copy, in order and unchanged (where the
  reprint read another character there, the dropped copy is right: a glyph error
  outside the drop set is corrected);
* between two kept characters the reprint also has, the reprint's own text: the
  drop-set characters it read there (after its OCR repair, which decides glyph
  errors on them with the LM and the channel) and its punctuation and line breaks;
* between kept characters the reprint lost, the dropped copy's own restoration (the
  dropped restorer with punctuation);
* characters only the reprint has: a run of at least :data:`MIN_OWN_RUN` characters
  outside the drop set is content the dropped copy lacks and is kept; a shorter one
  is an engine's invention (the dropped copy would have kept it) and is left out.

Two reprints are aligned on their Han characters: the first one's text where they
agree, each one's where the other lost it, and the LM choosing where they read a
character differently (the channel is symmetric between two readings).

Every character of the result has a :class:`Source`; :attr:`Collation.disagreements`
lists where the witnesses differed and how it was settled. Witnesses that agree on
less than :data:`MIN_AGREEMENT` of the kept characters are refused (not one document).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .dropped.dropset import DropSetInference
from .dropped.restorer import looks_dropped
from .edits import origins
from .errors import InputError
from .lm.scorer import Model, Scorer
from .normalize import HAN
from .ocr.channel import Channel
from .types import Kind, Repair

#: share of the dropped copy's kept characters the reprint must also have
MIN_AGREEMENT = 0.6
#: characters outside the drop set that only the reprint has: kept from this run length on
MIN_OWN_RUN = 10
#: a kept character the reprint lacks is placed by the LM when its neighbours are this close in
#: the reprint (further apart, the reprint lost a stretch: the dropped copy's restoration fills)
MAX_PLACE_SPAN = 12
#: a passage only one reprint has, as like as this to one only the other has elsewhere
#: (difflib's ratio), is one passage read at two places (:func:`_moved`)
MOVED_RATIO = 0.7
#: pseudo-readings at the engine's rate that a character's own rate of being dropped or invented
#: is shrunk towards (a rare character's few readings say little)
RATE_PRIOR = 300
#: rounds of estimating two reprints' error rates from their disagreements (:func:`_reading_odds`)
EM_ROUNDS = 4
#: two reprints differing over at most this many characters: one of them misread, invented or
#: dropped them (the LM, the channel and the reprints' error rates decide which); longer, a
#: reprint lost a line or more, which the other fills
MAX_GARBLE = 10
#: agreements shorter than this between two disagreements are a coincidence
MIN_AGREED = 3
#: characters of the n-grams that place a reprint's paragraph among the kept characters
ANCHOR = 8
#: the marks the dropped restorer puts back
PUNCT = "，。、；"
#: a character the reprint has this often and the dropped copy never is in the drop set
MIN_REPRINT_COUNT = 2

How = Literal["kept", "read", "restored"]
#: log10 P(read | true) for each of a list of true characters (``GlyphCorrector.learnt_costs``)
LearntCosts = Callable[[str, list[str]], list[float]]


@dataclass(frozen=True)
class Source:
    """Where a character of the collated text comes from: witness *witness* (an index into
    the witnesses), at *offset* in it; *how*: ``kept`` (a kept character of a dropped
    copy), ``read`` (as the OCR repair of a reprint has it, its offset the reprint's
    character, or the repair's edit, that gave it), ``restored`` (a single witness's
    restorer, at the gap it filled)."""

    witness: int
    offset: int
    how: How


@dataclass(frozen=True)
class Disagreement:
    """Where the witnesses differed, and what the result took."""

    offset: int  # into the collated text
    dropped: str  # what the dropped copy has there ('' where it has nothing)
    ocr: str  # what the reprint has there ('' where it lost it)
    taken: str
    why: str


@dataclass(frozen=True)
class Collation:
    """The collated text, a :class:`Source` per character, and the settled disagreements."""

    text: str
    sources: list[Source]
    kinds: list[Kind]
    disagreements: list[Disagreement] = field(default_factory=list)
    #: share of the dropped copy's kept characters the reprint also had
    agreement: float = 1.0

    def contributions(self) -> Counter[str]:
        """Characters per ``"witness N: how"``."""
        return Counter(f"witness {s.witness}: {s.how}" for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def collate(
    witnesses: Sequence[str],
    model: Model | str | Path | None = None,
    *,
    kinds: Sequence[Kind | None] | None = None,
) -> Collation:
    """Collate a character-dropped copy and an OCR'd reprint of one document, or two reprints
    (see the module doc). *kinds* gives each witness's kind (``None``: detected)."""
    from . import api

    if len(witnesses) != 2:
        raise InputError(
            f"collate takes two witnesses, a dropped copy and an OCR'd reprint (got "
            f"{len(witnesses)})"
        )
    for i, w in enumerate(witnesses):
        api._check_text(w, f"witnesses[{i}]")
    if any("\r\n" in w for w in witnesses):  # collated as with LF, the CRLF put back
        lf = [w.replace("\r\n", "\n") for w in witnesses]
        return _on_crlf(collate(lf, model, kinds=kinds), witnesses)
    given = list(kinds) if kinds is not None else [None] * len(witnesses)
    if len(given) != len(witnesses):
        raise InputError("kinds must name one kind per witness")
    for i, (w, k) in enumerate(zip(witnesses, given)):
        # the dropped format is unmistakable either way: a kind that contradicts it is a mix-up
        if k is not None and (k == "dropped") != looks_dropped(w):
            is_or_not = "is not" if k == "dropped" else "is"
            raise InputError(
                f"witnesses[{i}] is given as {k} but {is_or_not} in the dropped format (spaced "
                f"words); check the order of the kinds"
            )
    found: list[Kind] = [k or api.detect(w).kind for w, k in zip(witnesses, given)]
    if sorted(found) not in (["dropped", "ocr"], ["ocr", "ocr"]):
        raise InputError(
            f"collate needs a dropped copy and an OCR'd reprint, or two reprints; the witnesses "
            f"read as {' and '.join(found)} (give their kinds if detection is wrong)"
        )
    loaded = api._model(model)
    if found == ["ocr", "ocr"]:
        from .ocr.repair import make_corrector

        first, second = (api.repair(w, "ocr", loaded) for w in witnesses)
        corrector = make_corrector(loaded, channel="tesseract")
        judge = _Judge(corrector.lm, corrector.learnt_costs, corrector.channel)
        return _collate_reprints((witnesses[0], first), (witnesses[1], second), judge)
    d, o = found.index("dropped"), found.index("ocr")
    dropped, ocr = witnesses[d], witnesses[o]
    return collate_repairs(
        (dropped, api.repair(dropped, "dropped", loaded, punct=True)),
        (ocr, api.repair(ocr, "ocr", loaded)),
        loaded,
        witnesses=(d, o),
    )


def _on_crlf(collation: Collation, witnesses: Sequence[str]) -> Collation:
    """*collation* of the *witnesses* with their CRLF line ends made LF, as a collation of the
    witnesses themselves: each line end written ``\r\n`` (both characters from the source of
    the ``\n``), every source's offset in its witness as given, every disagreement's offset in
    the new text."""
    from . import api

    where = [api._crlf_offsets(w) for w in witnesses]
    sources: list[Source] = []
    moved: list[int] = []  # per character of the collation: its offset in the new text
    for ch, src in zip(collation.text, collation.sources):
        moved.append(len(sources))
        mapped = Source(src.witness, where[src.witness](src.offset), src.how)
        sources += [mapped, mapped] if ch == "\n" else [mapped]
    moved.append(len(sources))
    return Collation(
        collation.text.replace("\n", "\r\n"),
        sources,
        collation.kinds,
        [replace(d, offset=moved[d.offset]) for d in collation.disagreements],
        collation.agreement,
    )


def collate_repairs(
    dropped: tuple[str, Repair],
    reprint: tuple[str, Repair],
    model: Model,
    *,
    witnesses: tuple[int, int] = (0, 1),
) -> Collation:
    """:func:`collate` of a dropped copy and a reprint already repaired alone, each given as
    ``(input, its repair)`` (the dropped copy's with ``punct=True``); *witnesses* are their
    indices in the result's sources."""
    from . import api

    (d_in, d_rep), (o_in, o_rep) = dropped, reprint
    d, o = witnesses
    drop_set = witnessed_drop_set(
        d_in, o_rep.text, api.drop_set_inference(d_in, model, confirm=False)
    )
    kinds: list[Kind] = ["dropped", "ocr"] if d < o else ["ocr", "dropped"]
    return _collate(d_in, d_rep, d, o_rep, o, o_in, drop_set, kinds, model)


def _collate(
    dropped: str,
    restored_d: Repair,
    d: int,
    restored_o: Repair,
    o: int,
    ocr: str,
    drop_set: frozenset[str],
    kinds: list[Kind],
    lm: Scorer,
) -> Collation:
    kept_at = [i for i, c in enumerate(dropped) if HAN.fullmatch(c)]
    kept = "".join(dropped[i] for i in kept_at)
    fills = _gap_fills(dropped, kept_at, restored_d)  # the dropped restorer's text per gap
    o_text, o_from = in_order_of(kept, restored_o.text, origins(ocr, restored_o.edits), drop_set)
    o_han = [j for j, c in enumerate(o_text) if HAN.fullmatch(c) and c not in drop_set]
    matcher = SequenceMatcher(None, kept, "".join(o_text[j] for j in o_han), autojunk=False)
    at: list[int | None] = [None] * len(kept)  # kept char -> its reprint offset (o_text)
    own: set[int] = set()  # reprint characters only the reprint has, kept
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                at[i1 + k] = o_han[j1 + k]
        elif tag == "replace" and i2 - i1 == j2 - j1:  # glyph errors: the dropped copy decides
            for k in range(i2 - i1):
                at[i1 + k] = o_han[j1 + k]
        elif tag == "insert" and j2 - j1 >= MIN_OWN_RUN:
            own.update(o_han[j1:j2])
    agreement = sum(a is not None for a in at) / max(len(kept), 1)
    if kept and agreement < MIN_AGREEMENT:
        raise InputError(
            f"the witnesses agree on {agreement:.0%} of the dropped copy's kept characters "
            f"(< {MIN_AGREEMENT:.0%}): not one document"
        )
    # a kept character the reprint lacks between two it has, close by on one line: the reprint
    # either dropped it or misread it as one of the drop-set characters there; the LM decides
    # which, and where it goes
    placed: dict[int, tuple[int, bool]] = {}  # kept char -> (reprint offset, misread there)
    for i in range(1, len(kept) - 1):
        a, b = at[i - 1], at[i + 1]
        if at[i] is not None or a is None or b is None or b - a > MAX_PLACE_SPAN:
            continue
        if "\n" in o_text[a:b]:
            continue  # across the reprint's paragraphs the LM is a poor judge of the layout
        if not any(HAN.fullmatch(c) for c in o_text[a + 1 : b]):
            continue  # the engine lost the whole stretch: the dropped copy's restoration fills
        placed[i] = _place(kept[i], o_text, a, b, lm)
    text: list[str] = []
    sources: list[Source] = []
    disagreements: list[Disagreement] = []

    def emit(ch: str, src: Source) -> None:
        text.append(ch)
        sources.append(src)

    def from_reprint(lo: int, hi: int) -> None:
        """The reprint's text strictly between offsets lo and hi: everything but the
        characters outside the drop set it alone has (unless a long run of them)."""
        for j in range(lo + 1, hi):
            c = o_text[j]
            if HAN.fullmatch(c) and c not in drop_set and j not in own:
                disagreements.append(
                    Disagreement(len(text), "", c, "", "the dropped copy has no such character")
                )
                continue
            emit(c, Source(o, o_from[j][0], "read"))

    def from_dropped_gap(g: int, only_marks: bool = False) -> None:
        for ch, off in fills.get(g, []):
            if not only_marks or ch in PUNCT:
                emit(ch, Source(d, off, "restored"))

    # the reprint offset of the next kept character it has, after each kept character
    next_at = [len(o_text)] * (len(kept) + 1)
    for i in range(len(kept) - 1, -1, -1):
        nxt = at[i]
        next_at[i] = nxt if nxt is not None else next_at[i + 1]
    prev_o: int | None = -1  # the reprint offset of the previous kept character (-1: start)
    done = -1  # the reprint's text up to here is written
    for i, ch in enumerate(kept):
        if i in placed:  # between two kept characters the reprint has (see above)
            q, misread = placed[i]
            lo = max(prev_o if prev_o is not None else -1, done)
            # the marks the dropped copy's restoration put around it, where the reprint has none
            marks = not any(c in PUNCT for c in o_text[lo + 1 : next_at[i + 1]])
            from_reprint(lo, q)
            if marks:
                from_dropped_gap(i - 1, only_marks=True)
            disagreements.append(
                Disagreement(
                    len(text),
                    ch,
                    o_text[q] if misread else "",
                    ch,
                    "misread as a drop-set character (the LM placed it)"
                    if misread
                    else "dropped by the engine (the LM placed it)",
                )
            )
            emit(ch, Source(d, kept_at[i], "kept"))
            if marks:
                from_dropped_gap(i, only_marks=True)
            prev_o = done = q if misread else q - 1
            continue
        j = at[i]
        if j is not None and prev_o is not None:
            from_reprint(max(prev_o, done), j)
        elif j is not None:  # leaving a lost passage: the reprint's line up to here
            start = max(done, o_text.rfind("\n", 0, j))
            if o_text[start + 1 : j].strip():
                from_reprint(start, j)
            else:
                from_dropped_gap(i - 1)
        elif prev_o is not None:  # entering one: the rest of the reprint's line
            end = o_text.find("\n", prev_o + 1)
            end = min(next_at[i], end if end >= 0 else len(o_text))
            if o_text[prev_o + 1 : end].strip():
                from_reprint(max(prev_o, done), end)
                done = end - 1
            else:
                from_dropped_gap(i - 1)
        else:
            from_dropped_gap(i - 1)
        if j is not None and o_text[j] != ch:
            disagreements.append(
                Disagreement(len(text), ch, o_text[j], ch, "a glyph error outside the drop set")
            )
        elif j is None:
            disagreements.append(
                Disagreement(len(text), ch, "", ch, "lost in the reprint: the dropped copy fills")
            )
        emit(ch, Source(d, kept_at[i], "kept"))
        if j is not None:
            done = max(done, j)
        prev_o = j
    if prev_o is not None:
        from_reprint(max(prev_o, done), len(o_text))
    else:
        from_dropped_gap(len(kept) - 1)
    return Collation("".join(text), sources, kinds, disagreements, agreement)


def in_order_of(
    kept: str, text: str, frm: list[tuple[int, bool]], drop_set: frozenset[str]
) -> tuple[str, list[tuple[int, bool]]]:
    """The reprint's paragraphs (lines) in the order the dropped copy has them, with their
    origins moved along: each paragraph is placed where its :data:`ANCHOR`-grams of
    characters outside the drop set that occur once among the kept characters sit (the
    median of their positions); one with none stays after the paragraph before it.
    Unchanged when the order already agrees."""
    seen: Counter[str] = Counter(kept[i : i + ANCHOR] for i in range(len(kept) - ANCHOR + 1))
    first = {  # n-grams the kept characters hold once: a repeated phrase places nothing
        kept[i : i + ANCHOR]: i
        for i in range(len(kept) - ANCHOR + 1)
        if seen[kept[i : i + ANCHOR]] == 1
    }
    lines: list[tuple[int, int]] = []  # (start, end) of each line, its newline included
    start = 0
    while start < len(text):
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl + 1
        lines.append((start, end))
        start = end
    where: list[float] = []
    last = -1.0
    for lo, hi in lines:
        han = "".join(c for c in text[lo:hi] if HAN.fullmatch(c) and c not in drop_set)
        hits = sorted(
            first[han[k : k + ANCHOR]] - k
            for k in range(len(han) - ANCHOR + 1)
            if han[k : k + ANCHOR] in first
        )
        last = float(hits[len(hits) // 2]) if hits else last + 1e-6
        where.append(last)
    order = sorted(range(len(lines)), key=lambda n: where[n])
    if order == list(range(len(lines))):
        return text, frm
    pieces, moved = [], []
    for n in order:
        lo, hi = lines[n]
        piece = text[lo:hi] if text[lo:hi].endswith("\n") else text[lo:hi] + "\n"
        pieces.append(piece)
        moved.extend(frm[lo:hi] if hi > lo and text[hi - 1] == "\n" else [*frm[lo:hi], frm[hi - 1]])
    joined = "".join(pieces)
    if not text.endswith("\n"):
        joined, moved = joined[:-1], moved[:-1]
    return joined, moved


def _regions(
    opcodes: Sequence[tuple[str, int, int, int, int]],
) -> list[tuple[str, int, int, int, int]]:
    """*opcodes* with every run of disagreement merged into one op (``replace`` unless all of
    it is ``delete`` or ``insert``), an agreement of fewer than :data:`MIN_AGREED` characters
    between two disagreements included (a coincidence of two different texts)."""
    ops = list(opcodes)
    coincidence = [
        0 < k < len(ops) - 1
        and ops[k][0] == "equal"
        and ops[k][2] - ops[k][1] < MIN_AGREED
        and ops[k - 1][0] != "equal"
        and ops[k + 1][0] != "equal"
        for k in range(len(ops))
    ]
    out: list[list[Any]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        agreed = tag == "equal" and not coincidence[k]
        if out and out[-1][0] != "equal" and not agreed:
            last = out[-1]
            if last[0] != tag:
                last[0] = "replace"
            last[2], last[4] = i2, j2
        else:
            out.append([tag, i1, i2, j1, j2])
    return [(str(o[0]), int(o[1]), int(o[2]), int(o[3]), int(o[4])) for o in out]


def _place(ch: str, text: str, a: int, b: int, lm: Scorer) -> tuple[int, bool]:
    """Where kept character *ch* goes between reprint offsets *a* and *b* (its aligned
    neighbours): ``(q, True)`` replaces the reprint's ``text[q]`` (a misreading),
    ``(q, False)`` goes just before ``text[q]``. Scored by the LM over the Han characters
    around, five either side."""
    left = "".join(c for c in text[max(0, a - 8) : a + 1] if HAN.fullmatch(c))[-5:]
    right = "".join(c for c in text[b : b + 8] if HAN.fullmatch(c))[:5]
    options: list[tuple[int, bool]] = []
    readings: list[str] = []
    han = [q for q in range(a + 1, b) if HAN.fullmatch(text[q])]
    for q in [*han, b]:
        inner = (
            "".join(text[k] for k in han if k < q) + ch + "".join(text[k] for k in han if k >= q)
        )
        options.append((q, False))
        readings.append(inner)
    for q in han:
        options.append((q, True))
        readings.append("".join(ch if k == q else text[k] for k in han))
    scores = lm.score([left + r + right for r in readings], bos=False, eos=False)
    return options[int(np.argmax(scores))]


def witnessed_drop_set(dropped: str, reprint: str, inference: DropSetInference) -> frozenset[str]:
    """The dropped copy's drop set, as the reprint shows it: the inferred candidates
    (:attr:`DropSetInference.candidates`), and every character the reprint has at least
    :data:`MIN_REPRINT_COUNT` times that the dropped copy never kept (one occurrence may be
    a misreading)."""
    kept = Counter(c for c in dropped if HAN.fullmatch(c))
    read = Counter(c for c in reprint if HAN.fullmatch(c))
    shown = {c for c, n in read.items() if n >= MIN_REPRINT_COUNT and c not in kept}
    return frozenset(inference.candidates) | shown


def _gap_fills(
    dropped: str, kept_at: list[int], restored: Repair
) -> dict[int, list[tuple[str, int]]]:
    """Per gap *g* (after the g-th kept character; -1 before the first): the characters the
    dropped restorer wrote there (insertions and punctuation), with the edit's offset."""
    fills: dict[int, list[tuple[str, int]]] = {}
    for e in sorted(restored.edits, key=lambda e: (e.offset, len(e.old) > 0)):
        if not e.new:
            continue
        g = bisect.bisect_right(kept_at, e.offset) - 1
        if e.old == "" and g >= 0 and kept_at[g] == e.offset:
            g -= 1  # written before the kept character at this offset
        fills.setdefault(g, []).extend((c, e.offset) for c in e.new)
    return fills


def _short(tag: str, ra: str, rb: str) -> bool:
    """True for a stretch of at most :data:`MAX_GARBLE` characters that two reprints read
    differently, or that only one of them has."""
    return tag != "equal" and 0 < max(len(ra), len(rb)) <= MAX_GARBLE


@dataclass(frozen=True)
class _Judge:
    """What decides between two reprints' readings of a stretch: the LM, and the shipped
    channel's record of what an engine misreads (*costs*), drops and invents (*channel*)."""

    lm: Scorer
    costs: LearntCosts | None = None
    channel: Channel | None = None

    def channel_terms(self, ra: str, rb: str) -> tuple[float, float]:
        """``(log10 P(the second reads rb | ra is printed), log10 P(the first reads ra | rb is
        printed))``: substitutions character by character where the lengths agree; where one
        reprint has nothing, what the other's engine drops and this one's invents (each
        character's rate shrunk towards the engine's rate for all characters by
        :data:`RATE_PRIOR` pseudo-readings); 0 for no evidence either way."""
        if len(ra) == len(rb):
            return self._misread(rb, ra), self._misread(ra, rb)
        if self.channel is None or (ra and rb):
            return 0.0, 0.0
        ch = self.channel
        m = RATE_PRIOR
        p_drop, p_made = self._engine_rates

        def dropped(x: str) -> float:  # shrunk towards the engine's rate for all characters
            return math.log10((ch.deletions[x] + m * p_drop) / (ch.true_count[x] + m))

        def invented(x: str) -> float:
            return math.log10((ch.insertions[x] + m * p_made) / (ch.read_count[x] + m))

        here = ra or rb
        lost, made = sum(map(dropped, here)), sum(map(invented, here))
        return (lost, made) if ra else (made, lost)

    @cached_property
    def _engine_rates(self) -> tuple[float, float]:
        """How often the channel's engine drops a character it should read, and prints one
        where the page has none (add-one smoothed); worked out once."""
        ch = self.channel
        assert ch is not None
        return (
            (sum(ch.deletions.values()) + 1) / (sum(ch.true_count.values()) + 1),
            (sum(ch.insertions.values()) + 1) / (sum(ch.read_count.values()) + 1),
        )

    def _misread(self, read: str, true: str) -> float:
        """log10 P(an engine reads *read* where *true* (as long) is printed), character by
        character (0 where they agree, or without costs)."""
        if self.costs is None:
            return 0.0
        return sum(self.costs(o, [t])[0] for o, t in zip(read, true) if o != t)


def _reading_odds(
    sa: str, sb: str, regions: Sequence[tuple[str, int, int, int, int]], judge: _Judge
) -> float:
    """log10 odds that the first of two reprints is right where they disagree, from how often
    each is wrong: ``log10((1 - e_a) e_b / (e_a (1 - e_b)))``, the noisy channel of two
    independent readings with error rates *e_a* and *e_b* per character.

    The rates are the reprints' own: where they disagree the LM and the channel prefer one
    reading, the other counts as that reprint's error, and the rates and the decisions (the
    preference plus these odds) are worked out again in turn a few times (hard EM), each
    rate add-one smoothed. Two engines of like quality get odds near 0, and the preference
    decides alone; one far worse loses its disagreements unless the LM is sure.
    """
    short = [
        (i1, i2, j1, j2) for tag, i1, i2, j1, j2 in regions if _short(tag, sa[i1:i2], sb[j1:j2])
    ]
    if not short or not sa or not sb:
        return 0.0
    rows = []
    for i1, i2, j1, j2 in short:
        left, right = sa[max(0, i1 - 5) : i1], sa[i2 : i2 + 5] or sb[j2 : j2 + 5]
        rows += [left + sa[i1:i2] + right, left + sb[j1:j2] + right]
    scores = judge.lm.score(rows, bos=False, eos=False)
    # > 0: the LM and the channel prefer the first reprint's reading
    prefer = scores[0::2] - scores[1::2]
    for k, (i1, i2, j1, j2) in enumerate(short):
        a_right, b_right = judge.channel_terms(sa[i1:i2], sb[j1:j2])
        prefer[k] += a_right - b_right
    odds = 0.0
    for _ in range(EM_ROUNDS):
        first_loses = int(np.count_nonzero(prefer + odds < 0))
        # at most one error in two characters: a rate of 1 has no odds
        e_a = min((first_loses + 1) / (len(sa) + 2), 0.5)
        e_b = min((len(short) - first_loses + 1) / (len(sb) + 2), 0.5)
        odds = math.log10((1 - e_a) * e_b / (e_a * (1 - e_b)))
    return odds


def _moved(
    sa: str, sb: str, regions: Sequence[tuple[str, int, int, int, int]], odds: float
) -> set[int]:
    """The regions to leave out: where a passage only one reprint has at this place is, nearly
    as read (:data:`MOVED_RATIO`), a passage only the other has at another place (an engine
    that read a column out of order), the copy of the reprint less likely right (*odds*,
    :func:`_reading_odds`), so that it is written once."""
    own = [
        (k, sa[i1:i2] if tag == "delete" else sb[j1:j2], tag == "delete")
        for k, (tag, i1, i2, j1, j2) in enumerate(regions)
        if tag in ("delete", "insert") and not _short(tag, sa[i1:i2], sb[j1:j2])
    ]
    drop: set[int] = set()
    paired: set[int] = set()  # each passage of the second pairs with one of the first at most
    for k, text, first in own:
        if not first:
            continue
        for m, other, _ in (x for x in own if not x[2] and x[0] not in paired):
            if min(len(text), len(other)) < MOVED_RATIO * max(len(text), len(other)):
                continue  # one much longer: the rest of it would be lost with it
            matcher = SequenceMatcher(None, text, other, autojunk=False)
            if matcher.quick_ratio() >= MOVED_RATIO and matcher.ratio() >= MOVED_RATIO:
                drop.add(k if odds < 0 else m)
                paired.add(m)
                break
    return drop


def _collate_reprints(a: tuple[str, Repair], b: tuple[str, Repair], judge: _Judge) -> Collation:
    """Two OCR'd reprints (each ``(input, its OCR repair)``): aligned on their Han characters,
    the first one's text where they agree; a short difference decided by the *judge* (the LM,
    the channel and the reprints' odds: :func:`_reading_odds`); a passage one read at another
    place written once (:func:`_moved`); and each one's text where the other lost it."""
    (a_in, a_rep), (b_in, b_rep) = a, b
    ta, tb = a_rep.text, b_rep.text
    a_from, b_from = origins(a_in, a_rep.edits), origins(b_in, b_rep.edits)
    ha = [j for j, c in enumerate(ta) if HAN.fullmatch(c)]
    hb = [j for j, c in enumerate(tb) if HAN.fullmatch(c)]
    sa, sb = "".join(ta[j] for j in ha), "".join(tb[j] for j in hb)
    matcher = SequenceMatcher(None, sa, sb, autojunk=False)
    shared = sum(size for _, _, size in matcher.get_matching_blocks())
    agreement = shared / max(min(len(sa), len(sb)), 1)
    if sa and sb and agreement < MIN_AGREEMENT:
        raise InputError(
            f"the reprints agree on {agreement:.0%} of their Han characters (< "
            f"{MIN_AGREEMENT:.0%}): not one document"
        )
    text: list[str] = []
    sources: list[Source] = []
    disagreements: list[Disagreement] = []

    def copy(t: str, frm: list[tuple[int, bool]], w: int, lo: int, hi: int) -> None:
        for j in range(lo, hi):
            text.append(t[j])
            sources.append(Source(w, frm[j][0], "read"))

    def context(n: int = 5) -> str:
        return "".join(c for c in text[-3 * n :] if HAN.fullmatch(c))[-n:]

    regions = _regions(matcher.get_opcodes())
    # a reprint with no Han characters has nothing to weigh: the other is written whole
    decide = bool(sa and sb)
    odds = _reading_odds(sa, sb, regions, judge)
    moved = _moved(sa, sb, regions, odds) if decide else set()
    lm = judge.lm
    pos_a = 0  # the first reprint's text up to here is written
    for k, (tag, i1, i2, j1, j2) in enumerate(regions):
        ra, rb = sa[i1:i2], sb[j1:j2]
        if k in moved:  # a passage the other reprint has elsewhere (the likelier place)
            if tag == "delete":
                copy(ta, a_from, 0, pos_a, ha[i1])
                pos_a = ha[i2 - 1] + 1
            disagreements.append(
                Disagreement(
                    len(text),
                    "",
                    ra or rb,
                    "",
                    "a passage one reprint has elsewhere: once, where the likelier reprint has it",
                )
            )
            continue
        if decide and _short(tag, ra, rb):
            # a few characters read differently, or only one reprint has them (one invented
            # them or the other dropped them): the LM and the reprints' own odds decide
            left = context()
            right = sa[i2 : i2 + 5] or sb[j2 : j2 + 5]
            scores = lm.score([left + ra + right, left + rb + right], bos=False, eos=False)
            a_right, b_right = judge.channel_terms(ra, rb)
            first_wins = float(scores[0]) + a_right + odds >= float(scores[1]) + b_right
            # the first's text up to the stretch (where only the second has it: up to the Han
            # character before it, so that it joins that word, before any mark), then the
            # reading taken
            upto = ha[i1] if ra else (ha[i1 - 1] + 1 if i1 else 0)
            copy(ta, a_from, 0, pos_a, max(pos_a, upto))
            pos_a = max(pos_a, upto)
            at = len(text)
            if ra and first_wins:
                copy(ta, a_from, 0, ha[i1], ha[i2 - 1] + 1)
            if ra:
                pos_a = ha[i2 - 1] + 1
            if rb and not first_wins:
                copy(tb, b_from, 1, hb[j1], hb[j2 - 1] + 1)
            disagreements.append(
                Disagreement(
                    at,
                    "",
                    f"{ra or '-'} / {rb or '-'}",
                    ra if first_wins else rb,
                    "the reprints read it differently: the LM decides"
                    if ra and rb
                    else "only one reprint has it: the LM decides",
                )
            )
            continue
        if tag in ("equal", "delete"):  # agreed, or only the first has it
            copy(ta, a_from, 0, pos_a, ha[i2 - 1] + 1)
            pos_a = ha[i2 - 1] + 1
        elif tag == "insert":  # the first lost it: the second's text of the whole gap
            start = hb[j1 - 1] + 1 if j1 else 0
            copy(tb, b_from, 1, start, hb[j2] if j2 < len(hb) else len(tb))
            pos_a = ha[i1] if i1 < len(ha) else len(ta)  # the first's marks of the gap: not again
        else:
            left, right = context(), "".join(ta[j] for j in ha[i2 : i2 + 5])
            # longer than a misreading (those were decided above): each lost different text,
            # both written, in the order the LM prefers
            readings = [ra + rb, rb + ra]
            scores = lm.score([left + r + right for r in readings], bos=False, eos=False)
            first_wins = float(scores[0]) >= float(scores[1])
            copy(ta, a_from, 0, pos_a, ha[i1])  # the first's text up to the stretch
            at = len(text)
            a_part = (ta, a_from, 0, ha[i1], ha[i2 - 1] + 1)
            b_part = (tb, b_from, 1, hb[j1], hb[j2 - 1] + 1)
            for part in (a_part, b_part) if first_wins else (b_part, a_part):
                copy(*part)
            pos_a = ha[i2 - 1] + 1
            disagreements.append(
                Disagreement(
                    at,
                    "",
                    f"{ra} / {rb}",
                    readings[0 if first_wins else 1],
                    "each reprint lost what the other has: both, in the LM's order",
                )
            )
    copy(ta, a_from, 0, pos_a, len(ta))
    return Collation("".join(text), sources, ["ocr", "ocr"], disagreements, agreement)
