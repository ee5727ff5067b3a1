"""Scoring speed: our batch scorer vs a kenlm loop vs a naive dict-based back-off scorer.

One run, one model (the default model, models/default.arpa), the same 20 000
strings (fixed seed): half substrings of the training drafts, half random
characters from the model vocabulary with some unseen ones (Latin, digits,
rare Han); lengths 1-40. Each scorer is timed 5 times, alternating, and the
median is reported in characters per second (a string of n characters is n
characters; <s>/</s> are not counted).

    .venv/bin/python benchmarks/bench_scoring.py [--model PATH] [--strings N] [--repeats R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import kenlm
import numpy as np

import textrepair
from textrepair.corpus import files_with_role, units_from_files
from textrepair.lm import read_arpa

UNSEEN = list("abcxyzABC0123456789") + ["\u9fa0", "\u9f98", "\u4e02", "\u3400", "\U00020000"]


def make_strings(units: Sequence[str], vocab: Sequence[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        length = rng.randint(1, 40)
        if i % 2 == 0:
            u = rng.choice(units)
            start = rng.randint(0, max(0, len(u) - length))
            out.append(u[start : start + length])
        else:
            out.append(
                "".join(
                    rng.choice(UNSEEN) if rng.random() < 0.05 else rng.choice(vocab)
                    for _ in range(length)
                )
            )
    return out


class NaiveScorer:
    """Textbook ARPA back-off in pure Python over dicts (what the numpy scorer replaces).

    p(w | h) = P(h w) if h w is in the model, else bo(h) + p(w | h[1:]).
    """

    def __init__(self, path: str | Path):
        m = read_arpa(path)
        self.order = m.order
        self.prob: dict[tuple[str, ...], float] = {}
        self.bo: dict[tuple[str, ...], float] = {}
        for table in m.ngrams:
            for g, (lp, b) in table.items():
                self.prob[g] = lp
                self.bo[g] = b
        self.unk = self.prob[("<unk>",)]

    def _logp(self, ctx: tuple[str, ...], w: str) -> float:
        acc = 0.0
        while True:
            lp = self.prob.get(ctx + (w,))
            if lp is not None:
                return acc + lp
            if not ctx:
                return acc + self.unk
            acc += self.bo.get(ctx, 0.0)
            ctx = ctx[1:]

    def score(self, text: str) -> float:
        toks = ["<s>", *text, "</s>"]
        keep = self.order - 1
        total = 0.0
        for i in range(1, len(toks)):
            total += self._logp(tuple(toks[max(0, i - keep) : i]), toks[i])
        return total


def timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", default=None, help="ARPA model (default: models/default.arpa)")
    ap.add_argument("--strings", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()

    ours = textrepair.load_model(args.model)
    path = str(ours.path)
    km = kenlm.Model(path)
    naive = NaiveScorer(path)
    units = list(units_from_files(files_with_role("train")))
    vocab = sorted(w for w in ours.vocab if len(w) == 1)
    strings = make_strings(units, vocab, args.strings, args.seed)
    joined = [" ".join(s) for s in strings]
    chars = sum(map(len, strings))

    runners: dict[str, Callable[[], np.ndarray]] = {
        "textrepair batch (numpy)": lambda: ours.score(strings),
        "kenlm loop": lambda: np.array([km.score(j, bos=True, eos=True) for j in joined]),
        "naive dict back-off": lambda: np.array([naive.score(s) for s in strings]),
    }
    times: dict[str, list[float]] = {k: [] for k in runners}
    results: dict[str, np.ndarray] = {}
    ours.score(strings[:100])  # warm-up
    for _ in range(args.repeats):  # alternate, so drift on a shared machine hits all alike
        for name, fn in runners.items():
            t, out = timed(fn)
            times[name].append(t)
            results[name] = out

    med = {k: statistics.median(v) for k, v in times.items()}
    cps = {k: chars / med[k] for k in runners}
    a, b, c = runners
    print(
        f"model: {path} (order {ours.order}); {len(strings)} strings, {chars} characters; median "
        f"of {args.repeats} runs\n"
    )
    print("| scorer | median time (s) | characters/s | ours / this |")
    print("|---|---:|---:|---:|")
    for k in runners:
        print(f"| {k} | {med[k]:.3f} | {cps[k]:,.0f} | {cps[a] / cps[k]:.2f}x |")
    print()
    print(f"speed ratio ours / kenlm loop: {cps[a] / cps[b]:.2f}x")
    print(f"speed ratio ours / naive:      {cps[a] / cps[c]:.2f}x")
    print(f"max |ours - kenlm|: {np.abs(results[a] - results[b]).max():.2e}")
    print(f"max |ours - naive|: {np.abs(results[a] - results[c]).max():.2e}")


if __name__ == "__main__":
    main()
