"""Held-out perplexity of the character model by order, leave-one-draft-out.

Usage::

    python benchmarks/perplexity.py [--orders 2-8]

For each order, trains on two of the three training drafts and measures the
per-token perplexity (every character and ``</s>`` a token, ``<s>`` not) of the
third, for all three folds, and prints them with their mean as a markdown table,
together with the size of the ARPA file trained on all three drafts (the
default model is committed only if it is under 10 MB). Perplexities come from
``textrepair.lm.Model`` (the numpy scorer, equal to ``kenlm.Model`` within 1e-4)
because the ``kenlm`` Python module is compiled for orders up to 6 only; the
``kenlm`` column says whether ``kenlm.Model`` can load a model of that order.
This table chooses ``ORDER`` in the Makefile.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import quiet_stderr

from textrepair.corpus import files_with_role, units_from_files
from textrepair.lm import Model, estimate, write_arpa

MB = 1024 * 1024


@dataclass
class Row:
    order: int
    folds: list[float]
    arpa_bytes: int
    kenlm_loads: bool

    @property
    def mean(self) -> float:
        return sum(self.folds) / len(self.folds)


def fold_perplexity(train: Sequence[str], test: Sequence[str], order: int) -> float:
    """Perplexity of *test* under a model of *order* trained on *train*."""
    model = Model(ngram_model=estimate(train, order))
    return model.perplexity(list(test))


def arpa_size(units: Sequence[str], order: int, work: Path) -> int:
    """Bytes of the ARPA file of a model of *order* trained on *units*."""
    path = work / f"order{order}.arpa"
    write_arpa(estimate(units, order), path)
    return path.stat().st_size


def kenlm_max_order() -> int:
    """Largest order the installed ``kenlm`` module loads (probing 2..10)."""
    import kenlm

    best = 1
    with tempfile.TemporaryDirectory() as tmp, quiet_stderr():
        for order in range(2, 11):
            path = Path(tmp) / "probe.arpa"
            write_arpa(estimate(["一二三四五六七八九十"], order), path)
            try:
                kenlm.Model(str(path))
            except (OSError, RuntimeError, ValueError):
                break
            best = order
    return best


def measure(orders: Sequence[int]) -> list[Row]:
    """One :class:`Row` per order."""
    drafts = files_with_role("train")
    units = {d: list(units_from_files([d])) for d in drafts}
    everything = [u for d in drafts for u in units[d]]
    max_kenlm = kenlm_max_order()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for order in orders:
            folds = [
                fold_perplexity(
                    [u for d in drafts if d != held for u in units[d]], units[held], order
                )
                for held in drafts
            ]
            rows.append(
                Row(order, folds, arpa_size(everything, order, Path(tmp)), order <= max_kenlm)
            )
    return rows


def table(rows: Sequence[Row], names: Sequence[str]) -> str:
    """The markdown table: one line per order, the best mean in bold."""
    best = min(rows, key=lambda r: r.mean).order
    head = (
        "| order | "
        + " | ".join(f"held out: {n}" for n in names)
        + " | mean | ARPA (all 3) | kenlm loads |"
    )
    lines = [head, "|" + "---|" * (len(names) + 4)]
    for r in rows:
        mean = f"**{r.mean:.2f}**" if r.order == best else f"{r.mean:.2f}"
        folds = " | ".join(f"{p:.2f}" for p in r.folds)
        loads = "yes" if r.kenlm_loads else "no"
        lines.append(f"| {r.order} | {folds} | {mean} | {r.arpa_bytes / MB:.2f} MB | {loads} |")
    return "\n".join(lines)


def _orders(spec: str) -> list[int]:
    lo, _, hi = spec.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orders", default="2-8", help="range of orders, e.g. 2-8 (default) or 6")
    args = ap.parse_args(argv)
    orders = _orders(args.orders)
    if not orders or orders[0] < 1:
        ap.error("--orders must be a range of positive integers, e.g. 2-8")
    rows = measure(orders)
    names = [d.stem for d in files_with_role("train")]
    print(
        "Held-out per-character perplexity, leave-one-draft-out (train on two drafts, test on the "
        "third):"
    )
    print()
    print(table(rows, names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
