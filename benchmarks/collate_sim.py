"""Collation on simulated witnesses: each draft held out, damaged both ways, collated.

For each training draft in turn (the model retrained on the other two, as
``benchmarks/accuracy.py`` does), the draft is damaged twice:

* **dropped**: the pipeline simulated (``textrepair.noise.drop``) with the 85 most frequent
  characters of general usage as the drop set (``top``; ``sN`` draws, as in
  ``benchmarks/dropped_proxies.py``);
* **OCR**: the simulator (``textrepair.noise.ocr``: glyph substitutions from its own table
  at *rate*, column joins, half-width punctuation) losing each column line with
  probability *lose*.

Each witness is restored alone (``restore(kind="dropped", punct=True)``, ``restore(
kind="ocr")``) and the two are collated (``textrepair.collate``); a second reprint, damaged
with another seed, is collated with the first (two reprints, no dropped copy). Scored on Han
characters against the draft: CER = edit distance / length (rapidfuzz), and for
punctuation, the share of the draft's marks (，。、；：) after a Han character that the
output has after the same character (the Han strings aligned first).

With ``--real`` the reprints are real: Tesseract's readings of the drafts rendered as
newspaper pages (``corpora/real_ocr/drafts``, three faces; see ``benchmarks/real_ocr.py``),
each collated with the dropping pipeline applied to the same page text, and the Noto Serif
reading collated with the AR PL UMing one.

    python benchmarks/collate_sim.py [--rate 0.03] [--lose 0.05] [--drop-sets top,s0] [--real]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import quiet_stderr  # noqa: E402
from accuracy import fold_model  # noqa: E402
from dropped_proxies import sampled_drop_set  # noqa: E402

from textrepair import api, noise  # noqa: E402
from textrepair.collate import collate  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.normalize import han_only  # noqa: E402

MARKS = "，。、；："


def marks_after_han(text: str) -> list[str]:
    """Per Han character of *text*: the mark (of MARKS) that directly follows it, or ''."""
    out: list[str] = []
    for i, c in enumerate(text):
        if han_only(c):
            nxt = text[i + 1] if i + 1 < len(text) else ""
            out.append(nxt if nxt in MARKS else "")
    return out


def punct_recall(truth: str, output: str) -> float:
    """Share of the truth's marks after a Han character that *output* has after the same
    (aligned) character."""
    t_han, o_han = han_only(truth), han_only(output)
    t_marks, o_marks = marks_after_han(truth), marks_after_han(output)
    total = sum(1 for m in t_marks if m)
    hit = 0
    for tag, i1, i2, j1, _ in Levenshtein.opcodes(t_han, o_han):
        if tag == "equal":
            hit += sum(
                1 for k in range(i2 - i1) if t_marks[i1 + k] and t_marks[i1 + k] == o_marks[j1 + k]
            )
    return hit / max(total, 1)


def cer(truth: str, output: str) -> float:
    t = han_only(truth)
    return Levenshtein.distance(t, han_only(output)) / max(len(t), 1)


def run(rate: float, lose: float, drop_sets: list[str]) -> list[dict[str, object]]:
    drafts = files_with_role("train")
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for held, path in enumerate(drafts):
            model = fold_model(
                [f for i, f in enumerate(drafts) if i != held], Path(tmp), f"m{held}"
            )
            clean = "\n".join(line for line in read_text(path).splitlines() if han_only(line))
            for draw in drop_sets:
                drop_set = sampled_drop_set(draw)
                dropped = "\n".join(noise.drop(line, drop_set) for line in clean.splitlines())
                ocr, _ = noise.ocr(
                    clean, rate=rate, rng=random.Random(held * 10 + len(draw)), lose_lines=lose
                )
                other, _ = noise.ocr(
                    clean, rate=rate, rng=random.Random(held * 10 + len(draw) + 5), lose_lines=lose
                )
                with quiet_stderr():
                    alone_d = api.restore(dropped, "dropped", model, punct=True)
                    alone_o = api.restore(ocr, "ocr", model)
                    both = collate([dropped, ocr], model, kinds=["dropped", "ocr"])
                    if draw == drop_sets[0]:  # the reprints do not depend on the drop set
                        reprints = collate([ocr, other], model, kinds=["ocr", "ocr"])
                base = {"doc": path.stem, "draw": draw, "han": len(han_only(clean))}
                for system, out in (
                    ("dropped alone", alone_d),
                    ("OCR alone", alone_o),
                    ("collated", both.text),
                    *([("two reprints collated", reprints.text)] if draw == drop_sets[0] else []),
                ):
                    rows.append(
                        {
                            **base,
                            "system": system,
                            "cer": cer(clean, out),
                            "punct": punct_recall(clean, out),
                        }
                    )
                    print(
                        f"  {path.stem} {draw} {system}: CER {rows[-1]['cer']:.4f} punct "
                        f"{rows[-1]['punct']:.3f}",
                        file=sys.stderr,
                    )
    return rows


def run_real(drop_sets: list[str]) -> list[dict[str, object]]:
    """Collation with Tesseract's readings of the held-out drafts (see the module doc)."""
    folder = ROOT / "corpora" / "real_ocr" / "drafts"
    drafts = files_with_role("train")
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for held, path in enumerate(drafts):
            train = [f for i, f in enumerate(drafts) if i != held]
            model = fold_model(train, Path(tmp), f"m{held}")
            truth = (folder / f"{path.stem}.truth.txt").read_text(encoding="utf-8")
            reads = {
                face: (folder / f"{path.stem}.{face}.ocr.txt").read_text(encoding="utf-8")
                for face in ("notoserif", "uming", "zenhei")
            }
            outputs: list[tuple[str, str]] = []
            with quiet_stderr():
                for draw in drop_sets:
                    drop_set = sampled_drop_set(draw)
                    dropped = "\n".join(noise.drop(line, drop_set) for line in truth.splitlines())
                    outputs.append(
                        ("dropped alone", api.restore(dropped, "dropped", model, punct=True))
                    )
                    for ocr in reads.values():
                        both = collate([dropped, ocr], model, kinds=["dropped", "ocr"])
                        outputs.append(("collated", both.text))
                for ocr in reads.values():
                    outputs.append(("OCR alone", api.restore(ocr, "ocr", model)))
                pair = collate([reads["notoserif"], reads["uming"]], model, kinds=["ocr", "ocr"])
                outputs.append(("two reprints collated", pair.text))
            for system, out in outputs:
                rows.append(
                    {
                        "doc": path.stem,
                        "system": system,
                        "cer": cer(truth, out),
                        "punct": punct_recall(truth, out),
                    }
                )
                print(f"  {path.stem} {system}: CER {rows[-1]['cer']:.4f}", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=0.03, help="glyph substitution rate")
    ap.add_argument("--lose", type=float, default=0.05, help="share of column lines lost")
    ap.add_argument("--drop-sets", default="top,s0", help="comma-separated: top, sN")
    ap.add_argument("--real", action="store_true", help="Tesseract's readings, not the simulator")
    args = ap.parse_args(argv)
    if args.real:
        rows = run_real(args.drop_sets.split(","))
        print("Tesseract 5 on rendered pages of the held-out drafts; mean over drafts and faces\n")
    else:
        rows = run(args.rate, args.lose, args.drop_sets.split(","))
        print(f"OCR rate {args.rate}, lines lost {args.lose}; mean over drafts and drop sets\n")
    print("| system | Han CER | punctuation recall |")
    print("|---|---|---|")
    for system in ("dropped alone", "OCR alone", "collated", "two reprints collated"):
        sub = [r for r in rows if r["system"] == system]
        print(
            f"| {system} | {statistics.mean(r['cer'] for r in sub) * 100:.2f} % | "
            f"{statistics.mean(r['punct'] for r in sub):.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
