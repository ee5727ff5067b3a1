"""Where the OCR glyph errors the repairer does not fix go, on tuning draws.

    python benchmarks/ocr_misses.py [--seeds 9000,9300,9600] [--rate 0.01] [--list]
    [--set FIELD=VALUE]

Leave-one-draft-out as ``benchmarks/accuracy.py`` (same fold models), but with
*tuning* seeds, never the benchmark's: every parameter of the glyph corrector is
chosen on these draws, and the benchmark reports what that choice does on draws it
was not chosen on. Each draft is damaged once per seed (glyph substitutions from
``models/ocr_sim.tsv`` only, layout damage off) and corrected; every error is
then one of

* ``fixed`` — corrected to the true character;
* ``wrong`` — replaced, by another character;
* ``decision`` — left as read although the true character was a candidate
  (the LM plus usage did not pay its channel cost, or the screen dropped it);
* ``coverage`` — left as read and the true character was no candidate at all;

and every edit at an undamaged position is a ``false`` correction. The clean
held-out drafts are corrected too (``clean``: changes to text with no error).
Error reduction is ``(fixed - false) / errors``, as in ``accuracy.py``.
``--list`` prints each miss and false correction with its context.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import config_with  # noqa: E402
from accuracy import fold_model  # noqa: E402

from textrepair import noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.normalize import HAN  # noqa: E402
from textrepair.ocr.config import OcrConfig  # noqa: E402
from textrepair.ocr.confusion import load_confusions  # noqa: E402
from textrepair.ocr.repair import make_corrector  # noqa: E402

CATEGORIES = ("fixed", "wrong", "decision", "coverage", "false", "clean")


def han_at(text: str, offset: int) -> tuple[str, int]:
    """*text*'s Han characters and the index of the one at *offset* among them (the corrector
    reads Han characters only)."""
    starts = [m.start() for m in HAN.finditer(text)]
    return "".join(text[p] for p in starts), starts.index(offset)


def context(text: str, offset: int, width: int = 6) -> str:
    return (
        text[max(0, offset - width) : offset]
        + "["
        + text[offset]
        + "]"
        + text[offset + 1 : offset + 1 + width]
    ).replace("\n", " ")


def run(
    seeds: list[int], rate: float, workdir: Path, listing: bool, config: OcrConfig | None = None
) -> Counter[str]:
    drafts = files_with_role("train")
    sim = load_confusions(name="ocr_sim")
    tally: Counter[str] = Counter()
    for held, draft in enumerate(drafts):
        model = fold_model([f for i, f in enumerate(drafts) if i != held], workdir, f"fold{held}")
        corrector = make_corrector(model, load_confusions(), config=config)
        clean = read_text(draft)
        for e in corrector.correct(clean):
            tally["clean"] += 1
            if listing:
                print(f"clean     {draft.name} {e.old}->{e.new} {context(clean, e.offset)}")
        for seed in seeds:
            damaged, subs = noise.ocr(
                clean,
                rate=rate,
                rng=random.Random(seed + held),
                confusions=sim,
                wrap_every=None,
                halfwidth=False,
                lose_lines=0.0,
            )
            edits = {e.offset: e.new for e in corrector.correct(damaged)}
            errors = {off: true for off, true, _ in subs}
            tally["errors"] += len(errors)
            for off, true in errors.items():
                new = edits.get(off)
                if new == true:
                    tally["fixed"] += 1
                    continue
                what = (
                    "wrong"
                    if new
                    else "decision"
                    if true in corrector.candidates_at(*han_at(damaged, off))
                    else "coverage"
                )
                tally[what] += 1
                if listing:
                    got = f" -> {new}" if new else ""
                    print(
                        f"{what:9s} {draft.name} seed {seed}: {true} read as {damaged[off]}{got}  "
                        f"{context(damaged, off)}"
                    )
            for off, new in edits.items():
                if off not in errors:
                    tally["false"] += 1
                    if listing:
                        print(
                            f"false     {draft.name} seed {seed}: {damaged[off]} -> {new}  "
                            f"{context(damaged, off)}"
                        )
    return tally


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--seeds",
        default="9000,9300,9600",
        help="tuning seeds (the benchmark uses fold*100 + rate*1000)",
    )
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--list", action="store_true", help="print every miss and false correction")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override one OcrConfig setting (repeatable), e.g. --set passage_cost=-5",
    )
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tally = run(seeds, args.rate, Path(tmp), args.list, config_with(OcrConfig, args.set))
    errors = tally["errors"]
    print(f"\nseeds {args.seeds}, rate {args.rate:.1%}: {errors} errors over the three folds")
    print("| " + " | ".join(CATEGORIES) + " | error reduction |")
    print("|" + "---|" * (len(CATEGORIES) + 1))
    er = (tally["fixed"] - tally["false"]) / errors if errors else 1.0
    print("| " + " | ".join(str(tally[c]) for c in CATEGORIES) + f" | {er:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
