"""Two real engines' reprints of one page collated, against each repaired alone.

Every committed page of the newspaper and review sets (held out of every model; see
``benchmarks/real_ocr.py``) was read by Tesseract 5 and by PP-OCRv4. Each reading is repaired
alone (``restore(kind="ocr")``) and the two are collated (``textrepair.collate``, kinds
``ocr, ocr``), in both orders (the Han characters alike either way, or not). Scored on Han
characters: the edit distance to the page's text.

    python benchmarks/collate_reprints.py [--sets general,reviews] [--pages]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from real_ocr import documents  # noqa: E402

import textrepair  # noqa: E402
from textrepair.normalize import han_only  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="general,reviews")
    ap.add_argument("--pages", action="store_true", help="a line per page too")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    model = textrepair.load_model()
    print(
        "| set | Han | Tesseract repaired | PP-OCRv4 repaired | collated "
        "| pages alike in either order (Han) |"
    )
    print("|---|---|---|---|---|---|")
    for set_name in args.sets.split(","):
        tess = {(d, f): (t, o) for d, f, t, o in documents(set_name, engine="tesseract")}
        pp = {(d, f): o for d, f, _, o in documents(set_name, engine="ppocr")}
        c: Counter[str] = Counter()
        for (doc, face), (truth, a) in sorted(tess.items()):
            if (doc, face) not in pp:
                continue
            b, t = pp[doc, face], han_only(truth)

            def errors(text: str) -> int:
                return Levenshtein.distance(t, han_only(text))  # noqa: B023

            one = textrepair.collate([a, b], model, kinds=["ocr", "ocr"]).text
            other = textrepair.collate([b, a], model, kinds=["ocr", "ocr"]).text
            row = {
                "han": len(t),
                "tesseract": errors(textrepair.restore(a, "ocr", model)),
                "ppocr": errors(textrepair.restore(b, "ocr", model)),
                "collated": errors(one),
                "alike": int(han_only(one) == han_only(other)),
                "pages": 1,
            }
            c.update(row)
            if args.pages:
                print(f"| {set_name} {doc} {face} | " + " | ".join(str(v) for v in row.values()))
        print(
            f"| {set_name} | {c['han']} | {c['tesseract']} | {c['ppocr']} | {c['collated']} | "
            f"{c['alike']} of {c['pages']} |"
        )


if __name__ == "__main__":
    main()
