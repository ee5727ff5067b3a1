"""Leave-one-draft-out accuracy of both restorers, next to baselines.

For each of the three clean training drafts: train a model on the other two
(same order and word counts as ``make model``), damage the held-out draft with
the package's own simulators (:mod:`textrepair.noise`), restore it, score it.
The national witnesses are never scored here (their true text is not in the
repository); the only thing taken from the dropped witness is its drop set,
inferred by code exactly as the restorer infers it, so that the simulated
damage deletes a realistic set of characters.

    python benchmarks/accuracy.py [--only dropped|ocr] [--folds 0,1,2] [--draws 5]

Dropped text — insertion precision / recall / F1 (characters, matched per gap),
exact-gap rate, character error rate (edit distance / truth length) for:
the restorer; the restorer with the shipped model, whose training text includes
the held-out draft (an upper bound, not a result); "no insertion"; and "most
frequent insertion per gap type" (learnt from the training drafts damaged the
same way).

OCR — glyph substitutions drawn from ``models/ocr_sim.tsv`` (a table built by
a different mechanism than the repairer's ``confusion.tsv``) at 0.2 %, 1 % and
3 % of Han characters, five independent draws per held-out draft and rate
(``--draws``): detection and correction P/R/F1, error reduction, and the change
rate on the clean held-out draft (do no harm).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textrepair import api, noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text, units_from_files  # noqa: E402
from textrepair.lm import Model  # noqa: E402
from textrepair.lm.bundle import train_bundle  # noqa: E402
from textrepair.normalize import han_only  # noqa: E402

ORDER = 6
OCR_RATES = (0.002, 0.01, 0.03)
#: Where simulated glyph errors come from: the simulator's own table (a different
#: mechanism from the repairer's: the honest figure) and the repairer's table
#: (in-distribution: what the decision does when the candidates cover the error).
OCR_SOURCES = ("ocr_sim", "confusion")
#: Independent damage draws per held-out draft, source and rate. One draw at 1 % is
#: ~280 errors over the three folds, a standard error of about two points on the
#: error reduction; five make it about one. Draw 0 is the single draw reported
#: before ``--draws`` existed; draw d adds d * DRAW_STRIDE to its seed, far from
#: the tuning seeds of ``benchmarks/ocr_misses.py`` (9000-10502).
OCR_DRAWS = 5
DRAW_STRIDE = 100_000


def ocr_seed(held: int, rate: float, draw: int) -> int:
    """Seed of the damage of held-out draft *held* at *rate*, draw *draw* (shared with
    compare_pycorrector.py)."""
    return held * 100 + int(rate * 1000) + draw * DRAW_STRIDE


# --------------------------------------------------------------------------- helpers
def fold_model(train_files: list[Path], workdir: Path, name: str) -> Model:
    """Train a model bundle (ARPA, word counts, units, per-document counts) on *train_files*,
    as `make model` does."""
    arpa = workdir / f"{name}.arpa"
    train_bundle(train_files, ORDER, arpa)
    return api.load_model(arpa)


def simulation_drop_set(model: Model) -> list[str]:
    """The drop set inferred from the dropped witness (the significance test's set, as this
    table was first measured with), limited to characters the drafts use."""
    witness = read_text(files_with_role("witness-dropped")[0])
    train_chars = Counter("".join(units_from_files(files_with_role("train"))))
    found = api.drop_set_inference(witness, model, confirm=False).chars
    return [c for c in found if train_chars[c] >= 2]


def gaps(text: str, kept: set[str]) -> list[str]:
    """Inserted string before each kept character, and after the last.

    *kept* is the set of characters the damaged text still has; no inserted
    character is among them (the restorer only inserts drop-set characters,
    which are absent from the damaged text by construction).
    """
    out, cur = [], ""
    for ch in text:
        if ch in kept:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def insertion_scores(truth: str, output: str, kept: set[str]) -> dict[str, float]:
    gt, go = gaps(truth, kept), gaps(output, kept)
    if len(gt) != len(go):
        raise AssertionError("kept characters differ between truth and output")
    tp = fp = fn = exact = 0
    for a, b in zip(gt, go):
        ca, cb = Counter(a), Counter(b)
        inter = sum((ca & cb).values())
        tp += inter
        fp += sum(cb.values()) - inter
        fn += sum(ca.values()) - inter
        exact += a == b
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    # kept characters align one to one, so the edit distance is the sum over gaps
    cer = sum(edit_distance(a, b) for a, b in zip(gt, go)) / max(1, len(truth))
    return {"P": p, "R": r, "F1": f, "exact_gap": exact / len(gt), "CER": cer}


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --------------------------------------------------------------------------- dropped
def most_frequent_insertions(train_files: list[Path], drop_set: list[str]) -> dict[int, str]:
    """Most frequent inserted string per gap type (spaces in the damaged text) on training text."""
    by_type: dict[int, Counter[str]] = {}
    for f in train_files:
        damaged, truth = noise.drop_with_truth(read_text(f), drop_set)
        types = gap_types(damaged)
        for t, ins in zip(types, gaps(truth, set(damaged) - {" "})):
            by_type.setdefault(t, Counter())[ins] += 1
    return {t: c.most_common(1)[0][0] for t, c in by_type.items()}


def gap_types(damaged: str) -> list[int]:
    """Number of spaces before each kept character (0 at the start), and at the end."""
    types, run = [], 0
    for ch in damaged:
        if ch == " ":
            run += 1
        else:
            types.append(run)
            run = 0
    types.append(run)
    return types


def frequency_baseline(damaged: str, table: dict[int, str]) -> str:
    kept = damaged.replace(" ", "")
    ins = [table.get(t, "") for t in gap_types(damaged)]
    return "".join(i + c for i, c in zip(ins, kept)) + ins[-1]


def run_dropped(folds: list[int], workdir: Path) -> list[dict[str, object]]:
    drafts = files_with_role("train")
    rows = []
    for held in folds:
        train = [f for i, f in enumerate(drafts) if i != held]
        model = fold_model(train, workdir, f"fold{held}")
        drop_set = simulation_drop_set(model)
        damaged, truth = noise.drop_with_truth(read_text(drafts[held]), drop_set)
        t = time.perf_counter()
        restored = api.restore(damaged, "dropped", model)
        elapsed = time.perf_counter() - t
        kept = set(damaged) - {" "}
        table = most_frequent_insertions(train, drop_set)
        # upper bound: the shipped model, whose training text includes this draft
        in_sample = api.restore(damaged, "dropped", api.load_model())
        for system, out in (
            ("textrepair", restored),
            ("textrepair, in-sample (upper bound)", in_sample),
            ("no insertion", damaged.replace(" ", "")),
            ("most frequent per gap type", frequency_baseline(damaged, table)),
        ):
            rows.append(
                {
                    "fold": drafts[held].name,
                    "system": system,
                    **insertion_scores(truth, out, kept),
                    "seconds": elapsed if system == "textrepair" else 0.0,
                    "kept": len(damaged.replace(" ", "")),
                    "drop_set": len(drop_set),
                }
            )
    return rows


# --------------------------------------------------------------------------- ocr
def run_ocr(folds: list[int], workdir: Path, draws: int = OCR_DRAWS) -> list[dict[str, object]]:
    from textrepair.ocr.confusion import load_confusions
    from textrepair.ocr.repair import make_corrector

    drafts = files_with_role("train")
    table = load_confusions()
    rows = []
    for held in folds:
        train = [f for i, f in enumerate(drafts) if i != held]
        model = fold_model(train, workdir, f"fold{held}")
        corrector = make_corrector(model, table)
        clean = read_text(drafts[held])
        n_han = len(han_only(clean))
        changed = len(corrector.correct(clean))
        rows.append(
            {
                "fold": drafts[held].name,
                "rate": 0.0,
                "clean_change_rate": changed / n_han,
                "han": n_han,
            }
        )
        for source, rate, draw in itertools.product(OCR_SOURCES, OCR_RATES, range(draws)):
            damaged, subs = noise.ocr(
                clean,
                rate=rate,
                rng=random.Random(ocr_seed(held, rate, draw)),
                confusions=load_confusions(name=source),
                wrap_every=None,
                halfwidth=False,
                lose_lines=0.0,
            )
            assert len(damaged) == len(clean)
            errors = {off: true for off, true, _ in subs}
            edits = {e.offset: e.new for e in corrector.correct(damaged)}
            det_tp = sum(1 for off in edits if off in errors)
            cor_tp = sum(1 for off, new in edits.items() if errors.get(off) == new)
            after = sum(1 for off in errors if edits.get(off) != errors[off]) + sum(
                1 for off in edits if off not in errors
            )
            dp, dr, df = prf(det_tp, len(edits) - det_tp, len(errors) - det_tp)
            cp, cr, cf = prf(cor_tp, len(edits) - cor_tp, len(errors) - cor_tp)
            rows.append(
                {
                    "fold": drafts[held].name,
                    "source": source,
                    "rate": rate,
                    "draw": draw,
                    "errors": len(errors),
                    "edits": len(edits),
                    "det_P": dp,
                    "det_R": dr,
                    "det_F1": df,
                    "cor_P": cp,
                    "cor_R": cr,
                    "cor_F1": cf,
                    "error_reduction": (len(errors) - after) / len(errors) if errors else 1.0,
                    "false_corrections": len(edits) - det_tp,
                }
            )
    return rows


# --------------------------------------------------------------------------- report
def mean(rows: list[dict[str, object]], key: str) -> float:
    vals = [float(r[key]) for r in rows]  # type: ignore[arg-type]
    return sum(vals) / len(vals) if vals else float("nan")


def print_dropped(rows: list[dict[str, object]]) -> None:
    print("\n### Dropped text, leave-one-draft-out\n")
    print("| held-out draft | system | insertion P | R | F1 | exact gap | CER | restore s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['fold']} | {r['system']} | {r['P']:.3f} | {r['R']:.3f} | {r['F1']:.3f} | "
            f"{r['exact_gap']:.3f} | {r['CER']:.3f} | {r['seconds']:.2f} |"
        )
    for system in dict.fromkeys(r["system"] for r in rows):
        sub = [r for r in rows if r["system"] == system]
        print(
            f"| **mean** | {system} | {mean(sub, 'P'):.3f} | {mean(sub, 'R'):.3f} | "
            f"{mean(sub, 'F1'):.3f} | {mean(sub, 'exact_gap'):.3f} | {mean(sub, 'CER'):.3f} | |"
        )


def print_ocr(rows: list[dict[str, object]]) -> None:
    print("\n### OCR glyph correction, leave-one-draft-out\n")
    clean = [r for r in rows if r["rate"] == 0.0]
    print(
        f"clean-text change rate (do no harm): {mean(clean, 'clean_change_rate') * 100:.4f} % of "
        f"{int(sum(float(r['han']) for r in clean))} Han characters\n"
    )  # type: ignore[arg-type]
    draws = sorted({int(r["draw"]) for r in rows if "draw" in r})  # type: ignore[call-overload]
    print(
        f"means over the folds and {len(draws)} damage draws each; the last column, the error "
        f"reduction of each draw (mean over folds)\n"
    )
    print(
        "| errors drawn from | error rate | errors | detection P | R | F1 | correction P | R | F1 "
        "| error reduction | false corrections | per draw |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for source, rate in itertools.product(OCR_SOURCES, OCR_RATES):
        sub = [r for r in rows if r["rate"] == rate and r.get("source") == source]
        errs = sum(int(r["errors"]) for r in sub)  # type: ignore[arg-type]
        fc = sum(int(r["false_corrections"]) for r in sub)  # type: ignore[arg-type]
        per_draw = " ".join(
            f"{mean([r for r in sub if r['draw'] == d], 'error_reduction'):.3f}" for d in draws
        )
        print(
            f"| {source}.tsv | {rate * 100:.1f} % | {errs} | {mean(sub, 'det_P'):.3f} | "
            f"{mean(sub, 'det_R'):.3f} | {mean(sub, 'det_F1'):.3f} | "
            f"{mean(sub, 'cor_P'):.3f} | {mean(sub, 'cor_R'):.3f} | {mean(sub, 'cor_F1'):.3f} | "
            f"{mean(sub, 'error_reduction'):.3f} | {fc} | {per_draw} |"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["dropped", "ocr"])
    ap.add_argument("--folds", default="0,1,2")
    ap.add_argument(
        "--draws",
        type=int,
        default=OCR_DRAWS,
        help=f"OCR damage draws per fold, source and rate (default {OCR_DRAWS})",
    )
    args = ap.parse_args()
    folds = [int(x) for x in args.folds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "dropped"):
            print_dropped(run_dropped(folds, Path(tmp)))
        if args.only in (None, "ocr"):
            print_ocr(run_ocr(folds, Path(tmp), args.draws))
    return 0


if __name__ == "__main__":
    sys.exit(main())
