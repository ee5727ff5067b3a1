"""Learning curve of the channel: how many proofread pages a user needs to adapt the repairer to an
engine.

Channels are learnt (:func:`textrepair.ocr.channel.learn`) from the first *k*
documents of the ``channel`` set of real-engine OCR (``corpora/real_ocr/channel``,
shuffled with a fixed seed; a document is about one newspaper page), and each is
scored on the ``dev`` set (held-out general text, never the benchmark's sets)::

    python benchmarks/channel_curve.py [--pages 0,1,3,10,30,55,110,220] [--engine tesseract|ppocr]
        [--near]

``--near``: each page's near misses join its channel too (what Tesseract weighed at each
character and did not read, as ``learn-channel`` learns them from hOCR with choices); they
come from the choices ``python tools/realocr.py channel`` keeps in ``build/real_ocr_choices``
(not committed: it needs Tesseract), and only pages that have them are drawn
(``--pages-with-choices`` draws the same pages without their near misses).
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
from textrepair.ocr.channel import Channel, learn  # noqa: E402
from textrepair.ocr.repair import make_corrector  # noqa: E402
from tools.realocr import choices_path, near_misses  # noqa: E402


def with_near(channel: Channel, pages: list[tuple[str, str, str]]) -> Channel:
    """*channel* with the near misses of *pages* (those whose choices are kept and align)."""
    near, _ = near_misses((*name.split(".")[:2], truth) for name, truth, _ in pages)
    return Channel(channel.counts, source=channel.source, near=near)


def channel_pages(engine: str = "tesseract", near: bool = False) -> list[tuple[str, str, str]]:
    folder = DATA / "channel"
    pages = []
    for ocr in sorted(folder.glob(f"*.{ENGINES[engine]}.txt")):
        if near and not choices_path(*ocr.name.split(".")[:2]).exists():
            continue
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
    ap.add_argument("--near", action="store_true", help="learn each page's near misses too")
    ap.add_argument(
        "--pages-with-choices",
        action="store_true",
        help="draw only the pages --near draws from (to compare the two on the same pages)",
    )
    args = ap.parse_args()
    if (args.near or args.pages_with_choices) and args.engine != "tesseract":
        ap.error("only Tesseract's pages have choices (--near, --pages-with-choices)")
    pages = channel_pages(args.engine, args.near or args.pages_with_choices)
    base = make_corrector(api.load_model(), channel="none")
    docs = documents("dev", engine=args.engine)
    print(
        "| pages | characters | errors seen | subs | fixed | wrong | false | error red. | clean "
        "changes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for k in (int(x) for x in args.pages.split(",")):
        channel = learn(pages[:k], skipped=[]) if k else None  # as `make channel`
        if channel is not None and args.near:
            channel = with_near(channel, pages[:k])
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
