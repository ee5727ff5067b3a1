"""Learning curve of the channel: how many proofread pages a user needs to adapt the repairer to an
engine.

Channels are learnt (:func:`textrepair.ocr.channel.learn`) from the first *k*
documents of the ``channel`` set of real-engine OCR (``corpora/real_ocr/channel``,
shuffled with a fixed seed; a document is about one newspaper page), and each is
scored on the ``dev`` set (held-out general text, never the benchmark's sets)::

    python benchmarks/channel_curve.py [--pages 0,1,3,10,30,55,110,220] [--engine tesseract|ppocr]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.real_ocr import DATA, ENGINES, documents  # noqa: E402
from benchmarks.real_ocr_tune import evaluate  # noqa: E402
from textrepair import api  # noqa: E402
from textrepair.ocr.channel import learn  # noqa: E402
from textrepair.ocr.repair import make_corrector  # noqa: E402


def channel_pages(engine: str = "tesseract") -> list[tuple[str, str, str]]:
    folder = DATA / "channel"
    pages = []
    for ocr in sorted(folder.glob(f"*.{ENGINES[engine]}.txt")):
        doc = ocr.name.split(".")[0]
        pages.append(
            (
                ocr.name,
                (folder / f"{doc}.truth.txt").read_text(encoding="utf-8"),
                ocr.read_text(encoding="utf-8"),
            )
        )
    random.Random(0).shuffle(pages)
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", default="0,1,3,10,30,55,110,220")
    ap.add_argument("--engine", choices=sorted(ENGINES), default="tesseract")
    args = ap.parse_args()
    pages = channel_pages(args.engine)
    base = make_corrector(api.load_model(), channel="none")
    docs = documents("dev", engine=args.engine)
    print(
        "| pages | characters | errors seen | subs | fixed | wrong | false | error red. | clean "
        "changes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for k in (int(x) for x in args.pages.split(",")):
        channel = learn(pages[:k], skipped=[]) if k else None  # as `make channel`
        corrector = dataclasses.replace(base, channel=channel)
        c = evaluate(corrector, docs)
        print(
            f"| {k} | {channel.characters if channel else 0} | {channel.errors if channel else 0} "
            f"| {c['subs']} | "
            f"{c['fixed']} | {c['wrong']} | {c['false']} | {1 - c['after'] / c['before']:.1%} | "
            f"{c['clean_changes']}/{c['clean_han']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
