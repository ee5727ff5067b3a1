"""Leave-one-draft-out accuracy of punctuation restoration (``textrepair.punct``).

For each of the three clean training drafts: train the punctuation LM on the
other two (as ``make model`` does), take the held-out draft's true Han text with
its true word boundaries (``textrepair.noise.han_words`` with ``fine_segment``,
the segmentation the dropped format is made with), remove the punctuation,
punctuate it and score mark insertion at the boundaries:

* per mark (``，。、；``): precision / recall / F1 — a mark is right when the
  same mark stands at the same boundary;
* overall ("exact"): every mark, right only if the same mark;
* "any mark": a mark at a boundary where the truth has one, whichever.

The document-final ``。`` is not counted (it is always put). Paragraphs run
together as in the dropped format, so a heading's end has no mark in the truth.
Baselines: ``。`` at the end only (no mark inside); ``，`` every N words (N = the
training drafts' words per mark); the most frequent mark after each word in the
training drafts (where it follows that word at least half the time).

``--restored`` also runs the character restorer on each held-out draft damaged
by ``noise.drop`` (as ``benchmarks/accuracy.py`` does), punctuates its output
at the restorer's own word ends, and scores the marks by the kept character
they follow (the restored and true texts share their kept characters).

    python benchmarks/punct_accuracy.py [--folds 0,1,2] [--restored] [--tune]

The national witnesses are never read here.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textrepair import noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.dropped import punct  # noqa: E402
from textrepair.lm import Model  # noqa: E402

MARKS = punct.MARKS


# --------------------------------------------------------------------------- truth
def truth(text: str) -> tuple[str, list[int], list[str], int]:
    """``(han, boundaries, marks, off_boundary)`` of a clean draft.

    *han*: the Han text as the dropped format segments it; *boundaries*: the
    offsets between its words; *marks*: the true mark at each boundary ("" for
    none); *off_boundary*: marks of the text that fall inside a word (not scored).
    """
    words = noise.han_words(text, noise.fine_segment)
    han = "".join(words)
    ends = list(itertools.accumulate(len(w) for w in words))[:-1]
    unit = "".join(punct.punct_units(text))
    after: dict[int, str] = {}
    i = 0
    for ch in unit:
        if ch in MARKS:
            after[i] = ch
        else:
            if han[i] != ch:
                raise AssertionError(f"Han text differs at {i}")
            i += 1
    assert i == len(han)
    bset = set(ends)
    off = sum(1 for k in after if k not in bset and k != len(han))
    return han, ends, [after.get(b, "") for b in ends], off


# --------------------------------------------------------------------------- scoring
def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def counts(gold: list[str], pred: list[str]) -> dict[str, tuple[int, int, int]]:
    out: dict[str, tuple[int, int, int]] = {}
    for m in MARKS:
        tp = sum(g == p == m for g, p in zip(gold, pred))
        out[m] = (tp, sum(p == m for p in pred) - tp, sum(g == m for g in gold) - tp)
    tp = sum(bool(g) and g == p for g, p in zip(gold, pred))
    out["exact"] = (tp, sum(bool(p) for p in pred) - tp, sum(bool(g) for g in gold) - tp)
    tp = sum(bool(g) and bool(p) for g, p in zip(gold, pred))
    out["any"] = (tp, sum(bool(p) for p in pred) - tp, sum(bool(g) for g in gold) - tp)
    return out


def add(total: dict[str, list[int]], c: dict[str, tuple[int, int, int]]) -> None:
    for k, v in c.items():
        t = total.setdefault(k, [0, 0, 0])
        for j in range(3):
            t[j] += v[j]


# --------------------------------------------------------------------------- baselines
def train_stats(train_texts: list[str]) -> tuple[int, dict[str, str]]:
    """Words per mark, and the most frequent mark after each word (where >= half the time)."""
    nb = nm = 0
    after: dict[str, Counter[str]] = defaultdict(Counter)
    for t in train_texts:
        han, ends, marks, _ = truth(t)
        nb += len(ends)
        nm += sum(bool(m) for m in marks)
        starts = [0, *ends]
        for s, e, m in zip(starts, ends, marks):
            after[han[s:e]][m] += 1
    table = {}
    for w, c in after.items():
        m, n = c.most_common(1)[0]
        if m and n * 2 >= sum(c.values()):
            table[w] = m
    return max(1, round(nb / max(1, nm))), table


def every_n(n_bounds: int, n: int) -> list[str]:
    return ["，" if (k + 1) % n == 0 else "" for k in range(n_bounds)]


def word_table(han: str, ends: list[int], table: dict[str, str]) -> list[str]:
    return [table.get(han[s:e], "") for s, e in zip([0, *ends], ends)]


# --------------------------------------------------------------------------- folds
def fold_models(folds: list[int]) -> list[tuple[int, Model, list[str], str]]:
    drafts = files_with_role("train")
    texts = [read_text(f) for f in drafts]
    out = []
    for held in folds:
        train = [t for i, t in enumerate(texts) if i != held]
        model = Model(ngram_model=punct.train_model(train))
        out.append((held, model, train, texts[held]))
    return out


def evaluate(folds, penalty) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    total: dict[str, list[int]] = {}
    for _held, model, _, text in folds:
        han, ends, gold, _ = truth(text)
        _, pred = punct.punctuate(han, ends, model, penalty=penalty)
        add(total, counts(gold, pred))
    return total


def tune(folds) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Coordinate search of the per-mark penalties for F0.5 of exact marks (precision first)."""

    def objective(pen: dict[str, float]) -> float:
        tp, fp, fn = evaluate(folds, pen)["exact"]
        p, r, _ = prf(tp, fp, fn)
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0

    pen = dict(punct.PENALTY)
    best = objective(pen)
    print(f"start {pen} F0.5={best:.4f}", flush=True)
    for step in (0.5, 0.25):
        improved = True
        while improved:
            improved = False
            for m in MARKS:
                for d in (-step, step):
                    cand = {**pen, m: round(pen[m] + d, 3)}
                    if cand[m] < 0:
                        continue
                    f = objective(cand)
                    if f > best + 1e-6:
                        best, pen, improved = f, cand, True
                        print(f"  {pen} F0.5={best:.4f}", flush=True)
    return pen


def restored_rows(folds, penalty) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Punctuate the restorer's output on damaged held-out drafts; score marks by kept character."""
    import tempfile

    from benchmarks.accuracy import fold_model, simulation_drop_set
    from textrepair import api

    drafts = files_with_role("train")
    total: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for held, pmodel, _, text in folds:
            train = [f for i, f in enumerate(drafts) if i != held]
            model = fold_model(train, Path(tmp), f"fold{held}")
            ds = simulation_drop_set(model)
            damaged, han = noise.drop_with_truth(text, ds)
            (result,) = api.dropped_restorer(model, ds).restore_lines([damaged])
            out, _ = punct.punctuate(result.text, result.word_ends, pmodel, penalty=penalty)
            kept = set(damaged) - {" "}
            _, _, gold_marks, _ = truth(text)
            gold = by_kept(_with_marks(han, truth(text)[1], gold_marks), kept)
            pred = by_kept(out, kept)
            assert len(gold) == len(pred), "kept characters differ between truth and output"
            add(total, counts(gold, pred))
    return total


def _with_marks(han: str, ends: list[int], marks: list[str]) -> str:
    pieces = [han[a:b] for a, b in zip([0, *ends], [*ends, len(han)])]
    return "".join(p + m for p, m in zip(pieces, marks)) + pieces[-1]


def by_kept(text: str, kept: set[str]) -> list[str]:
    """The mark in each gap between two consecutive kept characters ("" for none)."""
    marks: list[str] = []
    cur = ""
    started = False
    for ch in text:
        if ch in kept:
            if started:
                marks.append(cur)
            started, cur = True, ""
        elif ch in MARKS:
            cur = ch
    return marks


# --------------------------------------------------------------------------- report
def row(name: str, total: dict[str, list[int]]) -> str:
    cells = []
    for k in ("exact", "any", *MARKS):
        p, r, f = prf(*total[k])
        cells.append(
            f"{p:.3f} / {r:.3f} / **{f:.3f}**"
            if k in ("exact", "any")
            else f"{p:.2f} / {r:.2f} / {f:.2f}"
        )
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", default="0,1,2")
    ap.add_argument(
        "--tune", action="store_true", help="search the per-mark penalties (F0.5, exact marks)"
    )
    ap.add_argument("--restored", action="store_true", help="also punctuate the restorer's output")
    args = ap.parse_args()
    folds = fold_models([int(x) for x in args.folds.split(",")])
    penalty = tune(folds) if args.tune else dict(punct.PENALTY)
    t = time.perf_counter()
    ours = evaluate(folds, penalty)
    elapsed = time.perf_counter() - t
    end_only: dict[str, list[int]] = {}
    every: dict[str, list[int]] = {}
    table: dict[str, list[int]] = {}
    n_marks = n_bounds = off = 0
    for _held, _, train, text in folds:
        han, ends, gold, o = truth(text)
        n, words = train_stats(train)
        add(end_only, counts(gold, [""] * len(gold)))
        add(every, counts(gold, every_n(len(gold), n)))
        add(table, counts(gold, word_table(han, ends, words)))
        n_marks += sum(bool(g) for g in gold)
        n_bounds += len(gold)
        off += o
    print(
        f"\n### Punctuation, leave-one-draft-out ({len(folds)} folds, {n_bounds} word boundaries, "
        f"{n_marks} true marks, {off} marks inside a word not scored; penalties {penalty}; "
        f"punctuation took {elapsed:.2f} s)\n"
    )
    print(
        "| system | exact P / R / F1 | any mark P / R / F1 | "
        + " | ".join(f"{m} P / R / F1" for m in MARKS)
        + " |"
    )
    print("|---|---|---|" + "---|" * len(MARKS))
    print(row("textrepair.punct", ours))
    print(row("。 at the end only", end_only))
    print(row("， every N words", every))
    print(row("most frequent mark after the word", table))
    if args.restored:
        print(
            row(
                "textrepair.punct on the restorer's output (by kept character)",
                restored_rows(folds, penalty),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
