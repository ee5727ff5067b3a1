"""The search layer both restorers share: a beam search over a lattice of slots.

A document to decode is a sequence of *slots*; each slot offers one or more
:class:`Option` strings with a prior cost (log10, from a word model or a
channel model). The search picks one option per slot to maximise::

    lm_weight * log10 P_LM(concatenation) + sum of option costs

It runs left to right, scores every (hypothesis, option) extension of a step in
one batched call to :meth:`textrepair.lm.Model.score_continuations`, and
recombines hypotheses that reach the same LM state (the last ``order - 1``
characters), keeping the best, so the beam holds distinct futures only.
Runs of single-option slots are merged into the next decision, so fixed text
costs no extra step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .lm.scorer import Scorer, State

#: hypotheses kept per step: the default of every search in the package (both restorers,
#: punctuation, and the word model's segmentation)
BEAM = 8


class Option(NamedTuple):
    """One way to fill a slot: the text it emits and its prior cost (log10). (A named tuple:
    the restorers make millions, and a tuple is made in half a dataclass's time.)"""

    text: str
    cost: float = 0.0


@dataclass(frozen=True)
class Decoded:
    """The best path: the chosen option index per slot and its total score."""

    choices: list[int]
    score: float

    def text(self, slots: Sequence[Sequence[Option]]) -> str:
        return "".join(slot[i].text for slot, i in zip(slots, self.choices))


@dataclass(slots=True)
class _Hyp:
    score: float
    state: State
    parent: int  # index into the previous step's hypotheses
    option: int  # option chosen at this step's slot


@dataclass(frozen=True)
class Problem:
    """One sequence to decode: its slots and the LM context it starts from."""

    slots: Sequence[Sequence[Option]]
    start: State | None = None  # default: the beginning of a text (after <s>)
    eos: bool = True


class _Run:
    """Decoding progress of one problem inside :func:`beam_search_many`."""

    def __init__(self, problem: Problem, start: State):
        self.slots = problem.slots
        self.eos = problem.eos
        self.hyps = [_Hyp(0.0, start, -1, -1)]
        self.history: list[tuple[int, list[_Hyp]]] = []
        self.k = 0  # next slot
        self.fixed = ""  # text of single-option slots not yet scored
        self.fixed_cost = 0.0

    def advance(self) -> Sequence[Option] | None:
        """Absorb single-option slots; return the next decision's options, or None at the end."""
        while self.k < len(self.slots):
            slot = self.slots[self.k]
            if len(slot) > 1:
                return slot
            self.fixed += slot[0].text
            self.fixed_cost += slot[0].cost
            self.k += 1
        return None

    def backtrace(self, best: int) -> list[int]:
        choices = [0] * len(self.slots)
        for k, step in reversed(self.history):
            h = step[best]
            choices[k] = h.option
            best = h.parent
        return choices


def beam_search(
    model: Scorer,
    slots: Sequence[Sequence[Option]],
    *,
    beam: int = BEAM,
    lm_weight: float = 1.0,
    bos: bool = True,
    eos: bool = True,
) -> Decoded:
    """Best option per slot under the LM plus option costs (see module doc)."""
    start = model.begin_state() if bos else model.null_state()
    return beam_search_many(model, [Problem(slots, start, eos)], beam=beam, lm_weight=lm_weight)[0]


def beam_search_many(
    model: Scorer, problems: Sequence[Problem], *, beam: int = BEAM, lm_weight: float = 1.0
) -> list[Decoded]:
    """Decode independent problems in lockstep: one batched LM call per step for all of them.

    The result is the same as decoding each problem alone; batching only
    amortises the scorer's fixed cost per call over many small problems.
    """
    for p in problems:
        if any(len(s) == 0 for s in p.slots):
            raise ValueError("every slot needs at least one option")
    runs = [_Run(p, p.start or model.begin_state()) for p in problems]
    order = model.order
    active = runs
    while active:
        steps = [(r, opts) for r in active if (opts := r.advance()) is not None]
        if not steps:
            break
        # each run's fixed text since its last decision is read once per hypothesis, in the same
        # call as the options after it (see _past_fixed)
        moved = [r for r, _ in steps if r.fixed]
        fixed_states, fixed_texts = _past_fixed(moved, order)
        states = fixed_states + [h.state for r, opts in steps for h in r.hyps for _ in opts]
        texts = fixed_texts + [o.text for r, opts in steps for _ in r.hyps for o in opts]
        lm = model.score_continuations(states, texts)
        at = 0
        for r in moved:
            r.hyps = [
                _Hyp(h.score + lm_weight * float(sc), h.state, h.parent, h.option)
                for h, sc in zip(r.hyps, lm[at : at + len(r.hyps)])
            ]
            at += len(r.hyps)
        for r, opts in steps:
            n = len(r.hyps) * len(opts)
            costs = (
                np.fromiter((o.cost for o in opts), dtype=np.float64, count=len(opts))
                + r.fixed_cost
            )
            prev = np.fromiter((h.score for h in r.hyps), dtype=np.float64, count=len(r.hyps))
            total = (
                prev[:, None] + lm_weight * lm[at : at + n].reshape(len(r.hyps), len(opts)) + costs
            )
            at += n
            r.hyps = _prune(total, r.hyps, opts, order, beam, model.recombination_key)
            r.history.append((r.k, r.hyps))
            r.k += 1
            r.fixed, r.fixed_cost = "", 0.0
        active = [r for r, _ in steps]
    # close every problem: remaining fixed text and </s>
    out = []
    tails = (
        model.score_continuations(
            [h.state for r in runs for h in r.hyps],
            [r.fixed for r in runs for _ in r.hyps],
            eos=False,
        )
        if runs
        else np.zeros(0)
    )
    ends = _eos_scores(model, runs)
    at = 0
    for r, end in zip(runs, ends):
        n = len(r.hyps)
        finals = (
            np.array([h.score for h in r.hyps])
            + lm_weight * (tails[at : at + n] + end)
            + r.fixed_cost
        )
        at += n
        best = int(np.argmax(finals))
        out.append(Decoded(r.backtrace(best), float(finals.max())))
    return out


def beam_search_chunked(
    model: Scorer,
    lattices: Sequence[Sequence[Sequence[Option]]],
    *,
    chunk: int,
    overlap: int = 0,
    beam: int = BEAM,
) -> list[list[int]]:
    """Chosen option per slot for long slot sequences, cut into chunks decoded in lockstep.

    A chunk starts after the most probable options (option 0) of the slots
    before it, since their decisions are not known yet; with *overlap*, a chunk
    also re-reads the last *overlap* slots of the previous one for context,
    keeping the previous chunk's decisions there. Only the last chunk of a
    sequence scores ``</s>``.
    """
    problems: list[Problem] = []
    owners: list[tuple[int, int, int]] = []  # (sequence, first slot decided, first slot read)
    for li, slots in enumerate(lattices):
        for first in range(0, max(len(slots), 1), chunk):
            lo = max(0, first - overlap)
            start = (
                model.begin_state()
                if lo == 0
                else State(_text_before(slots, lo, model.order - 1), False)
            )
            problems.append(
                Problem(slots[lo : first + chunk], start, eos=first + chunk >= len(slots))
            )
            owners.append((li, first, lo))
    decoded = beam_search_many(model, problems, beam=beam)
    choices = [[0] * len(slots) for slots in lattices]
    for (li, first, lo), d in zip(owners, decoded):
        kept = d.choices[first - lo :]
        choices[li][first : first + len(kept)] = kept
    return choices


def _text_before(slots: Sequence[Sequence[Option]], end: int, n: int) -> str:
    """The last *n* characters of the option-0 texts of ``slots[:end]``."""
    text = ""
    k = end
    while k > 0 and len(text) < n:
        k -= 1
        text = slots[k][0].text + text
    return text[-n:]


def _past_fixed(runs: Sequence[_Run], order: int) -> tuple[list[State], list[str]]:
    """Move each run's hypotheses past its fixed text since the last decision; return what is
    left to score: per hypothesis, the state before it and the text.

    ``score(fixed + option | state) = score(fixed | state) + score(option | state after
    fixed)``: scored with each option instead, the fixed text would be read once per
    hypothesis *and* option, and a text whose characters are mostly taken as read has
    long runs of it between decisions. The caller adds each hypothesis's score of its
    fixed text.
    """
    states = [h.state for r in runs for h in r.hyps]
    texts = [r.fixed for r in runs for _ in r.hyps]
    for r in runs:
        r.hyps = [_Hyp(h.score, h.state.extend(r.fixed, order), h.parent, h.option) for h in r.hyps]
        r.fixed = ""
    return states, texts


def _eos_scores(model: Scorer, runs: Sequence[_Run]) -> list[np.ndarray]:
    """log10 p(</s> | state after the remaining fixed text), per hypothesis of each run."""
    order = model.order
    states = [h.state.extend(r.fixed, order) for r in runs for h in r.hyps]
    ends = (
        model.score_continuations(states, [""] * len(states), eos=True) if states else np.zeros(0)
    )
    out, at = [], 0
    for r in runs:
        n = len(r.hyps)
        out.append(ends[at : at + n] if r.eos else np.zeros(n))
        at += n
    return out


def _prune(
    total: np.ndarray,
    hyps: list[_Hyp],
    slot: Sequence[Option],
    order: int,
    beam: int,
    key: Callable[[State], object],
) -> list[_Hyp]:
    """Keep the best extension per LM state (its recombination key), then the ``beam`` best."""
    flat = total.ravel()
    ranked = np.argsort(-flat, kind="stable")
    seen: dict[object, None] = {}
    out: list[_Hyp] = []
    n_opt = len(slot)
    for idx in ranked:
        if flat[idx] == -np.inf:
            break
        parent, opt = divmod(int(idx), n_opt)
        state = hyps[parent].state.extend(slot[opt].text, order)
        k = key(state)
        if k in seen:
            continue  # recombined: a better path already reaches this state
        seen[k] = None
        out.append(_Hyp(float(flat[idx]), state, parent, opt))
        if len(out) == beam:
            break
    return out
