"""Speed of restoring the dropped national witness: numpy lockstep decoder vs a kenlm-loop decoder.

Both run the same beam search (same slots, beam, weights) over the same model (the
drafts' character LM alone); only the scoring differs:

* **textrepair** — :func:`textrepair.search.beam_search_many`: chunks of the
  line decoded in lockstep, every step scored in one batched numpy call;
* **kenlm loop** — the plain decoder one would write with kenlm's Python
  module: :func:`textrepair.search.beam_search` over the whole line, each
  (hypothesis, option) continuation scored by feeding its characters to
  ``kenlm.Model.BaseScore`` one by one.

Times are warm (model, lexicon and reduction index loaded once beforehand, as
in a long-running pipeline or batch worker); the cold first call is reported
separately, and so is the shipped restorer's own warm time (its LM mixes in the
general model and the long matches). Each figure is the median of several
alternating runs; the ratio is taken pair by pair.

    python benchmarks/bench_restore.py [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import kenlm
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accuracy import gaps  # noqa: E402

from textrepair import api  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.dropped.restorer import DroppedRestorer, parse_line  # noqa: E402
from textrepair.lm.scorer import Model, State  # noqa: E402
from textrepair.search import beam_search  # noqa: E402


class KenlmLoopScorer:
    """The decoder-facing part of :class:`textrepair.lm.Model`, scored by kenlm one token at a
    time."""

    def __init__(self, model: Model):
        self.inner = model
        self.order = model.order
        self.kenlm = kenlm.Model(str(model.path))

    def __contains__(self, ch: str) -> bool:
        return ch in self.inner

    def begin_state(self) -> State:
        return State("", True)

    def null_state(self) -> State:
        return State("", False)

    def recombination_key(self, state: State) -> object:
        return state

    def score_continuations(
        self, states: Sequence[State], continuations: Sequence[str], eos: bool = False
    ) -> np.ndarray:
        m = self.kenlm
        out = np.empty(len(states))
        for i, (state, cont) in enumerate(zip(states, continuations)):
            a, b = kenlm.State(), kenlm.State()
            if state.bos:
                m.BeginSentenceWrite(a)
            else:
                m.NullContextWrite(a)
            for ch in state.context:
                m.BaseScore(a, ch, b)
                a, b = b, a
            total = 0.0
            for ch in cont:
                total += m.BaseScore(a, ch, b)
                a, b = b, a
            if eos:
                total += m.BaseScore(a, "</s>", b)
            out[i] = total
        return out


def restore_numpy(restorer, line: str) -> str:  # type: ignore[no-untyped-def]
    return restorer.restore_line(line)[0]


def restore_kenlm(restorer, scorer: KenlmLoopScorer, line: str) -> str:  # type: ignore[no-untyped-def]
    lattice = restorer.lattice(parse_line(line))
    best = beam_search(scorer, lattice.slots, beam=restorer.config.beam)  # type: ignore[arg-type]
    return restorer.assemble(line, lattice, best.choices)[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    text = read_text(files_with_role("witness-dropped")[0])
    t = time.perf_counter()
    model = api.load_model()
    drop_set = api.drop_set_inference(text, model, confirm=False).chars
    shipped = api.dropped_restorer(model, drop_set)
    api.restore(text, "dropped", model)
    cold = time.perf_counter() - t
    # the same lattices decoded with the drafts' model alone, as the kenlm loop scores them (the
    # lattices as built: the kenlm loop decodes restorer.lattice(), without the context search)
    config = dataclasses.replace(shipped.config, context_fillers=0)
    restorer = DroppedRestorer(model, shipped.index, shipped.drop_set, config)
    first = restore_numpy(restorer, text)
    scorer = KenlmLoopScorer(model)
    ours, theirs, full = [], [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        restore_numpy(shipped, text)
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        a = restore_numpy(restorer, text)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = restore_kenlm(restorer, scorer, text)
        theirs.append(time.perf_counter() - t)
    kept = sum(not c.isspace() for c in text)
    kept_chars = set(text) - {" "}
    # the same unchunked search scored by numpy must give exactly the kenlm-loop result
    lattice = restorer.lattice(parse_line(text))
    unchunked = restorer.assemble(
        text, lattice, beam_search(model, lattice.slots, beam=restorer.config.beam).choices
    )[0]
    ratios = [k / o for o, k in zip(ours, theirs)]
    print(
        f"dropped witness: {kept} kept characters; cold first call (model, lexicon, index, drop "
        f"set, restore) {cold:.2f}s; the shipped restorer warm: median "
        f"{statistics.median(full):.3f}s (min {min(full):.3f}, max {max(full):.3f})"
    )
    print(
        f"outputs: numpy lockstep == first call: {a == first}; unchunked search, numpy == kenlm "
        f"loop: {unchunked == b}; "
        f"lockstep chunks change "
        f"{sum(x != y for x, y in zip(gaps(a, kept_chars), gaps(b, kept_chars)))} of "
        f"{kept + 1} gaps\n"
    )
    print("| decoder | median s | min s | max s | kept chars/s |")
    print("|---|---|---|---|---|")
    for name, ts in (
        ("textrepair (numpy, lockstep)", ours),
        ("kenlm loop (BaseScore per token)", theirs),
    ):
        print(
            f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f} | {max(ts):.3f} | "
            f"{kept / statistics.median(ts):,.0f} |"
        )
    print(
        f"\nspeed-up (kenlm loop / textrepair, pair by pair): median "
        f"{statistics.median(ratios):.2f}x, min {min(ratios):.2f}x, max {max(ratios):.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
