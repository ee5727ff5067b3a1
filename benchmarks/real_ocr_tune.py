"""Calibrate the learnt channel's weights on the ``dev`` set of real-engine OCR (never the
benchmark's sets).

    python benchmarks/real_ocr_tune.py --grid channel_offset=-2,-1 context_offset=-1,0

Prints, for each setting, the glyph-correction counts on the dev documents and
on their clean truth (the false-correction rate that matters most).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.real_ocr import documents, score  # noqa: E402
from textrepair import api  # noqa: E402
from textrepair.edits import apply_edits  # noqa: E402
from textrepair.ocr.channel import han  # noqa: E402
from textrepair.ocr.repair import make_corrector  # noqa: E402


def evaluate(corrector, docs) -> Counter:  # type: ignore[no-untyped-def]
    total: Counter[str] = Counter()
    for _doc, _face, truth, ocr in docs:
        total += score(truth, ocr, apply_edits(ocr, corrector.correct(ocr)))
    for truth in {d[2] for d in docs}:
        total["clean_changes"] += sum(1 for e in corrector.correct(truth))
        total["clean_han"] += len(han(truth))
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", nargs="*", default=[], help="FIELD=v1,v2,... of GlyphCorrector")
    ap.add_argument("--set", default="dev")
    args = ap.parse_args()
    base = make_corrector(api.load_model(), channel="tesseract")
    docs = documents(args.set)
    fields = [g.split("=")[0] for g in args.grid]
    values = [
        [int(v) if v.lstrip("-").isdigit() else float(v) for v in g.split("=")[1].split(",")]
        for g in args.grid
    ]
    for combo in itertools.product(*values) if values else [()]:
        corrector = dataclasses.replace(
            base, config=dataclasses.replace(base.config, **dict(zip(fields, combo)))
        )
        t0 = time.perf_counter()
        c = evaluate(corrector, docs)
        seconds = time.perf_counter() - t0
        red = 1 - c["after"] / c["before"]
        print(
            dict(zip(fields, combo)),
            f"subs {c['subs']} fixed {c['fixed']} wrong {c['wrong']} false {c['false']}",
            f"invented {c['insertions']} removed {c['insertions_removed']}",
            f"reduction {red:.1%} clean {c['clean_changes']}/{c['clean_han']} {seconds:.0f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
