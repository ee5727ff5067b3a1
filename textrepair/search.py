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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .lm.scorer import Model, State


@dataclass(frozen=True, slots=True)
class Option:
    """One way to fill a slot: the text it emits and its prior cost (log10)."""

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


def beam_search(
    model: Model,
    slots: Sequence[Sequence[Option]],
    *,
    beam: int = 8,
    lm_weight: float = 1.0,
    bos: bool = True,
    eos: bool = True,
) -> Decoded:
    """Best option per slot under the LM plus option costs (see module doc)."""
    if any(len(s) == 0 for s in slots):
        raise ValueError("every slot needs at least one option")
    order = model.order
    hyps = [_Hyp(0.0, model.begin_state() if bos else model.null_state(), -1, -1)]
    history: list[tuple[int, list[_Hyp]]] = []  # (slot index, hypotheses after it)
    fixed = ""  # text of single-option slots not yet scored
    fixed_cost = 0.0
    for k, slot in enumerate(slots):
        if len(slot) == 1:
            fixed += slot[0].text
            fixed_cost += slot[0].cost
            continue
        rows_states = [h.state for h in hyps for _ in slot]
        rows_text = [fixed + o.text for _ in hyps for o in slot]
        lm = model.score_continuations(rows_states, rows_text)
        costs = np.array([o.cost for o in slot]) + fixed_cost
        total = (np.array([h.score for h in hyps])[:, None] + lm_weight * lm.reshape(len(hyps), len(slot)) + costs)
        hyps = _prune(total, hyps, slot, fixed, order, beam)
        history.append((k, hyps))
        fixed, fixed_cost = "", 0.0
    # close: remaining fixed text and </s>
    tail = model.score_continuations([h.state for h in hyps], [fixed] * len(hyps), eos=eos)
    finals = np.array([h.score for h in hyps]) + lm_weight * tail + fixed_cost
    best = int(np.argmax(finals))
    choices = [0] * len(slots)
    for k, step in reversed(history):
        h = step[best]
        choices[k] = h.option
        best = h.parent
    return Decoded(choices, float(finals.max()))


def _prune(total: np.ndarray, hyps: list[_Hyp], slot: Sequence[Option], fixed: str, order: int, beam: int) -> list[_Hyp]:
    """Keep the best extension per LM state, then the ``beam`` best states."""
    flat = total.ravel()
    ranked = np.argsort(-flat, kind="stable")
    seen: dict[State, None] = {}
    out: list[_Hyp] = []
    n_opt = len(slot)
    for idx in ranked:
        if flat[idx] == -np.inf:
            break
        parent, opt = divmod(int(idx), n_opt)
        state = hyps[parent].state.extend(fixed + slot[opt].text, order)
        if state in seen:
            continue  # recombined: a better path already reaches this state
        seen[state] = None
        out.append(_Hyp(float(flat[idx]), state, parent, opt))
        if len(out) == beam:
            break
    return out
