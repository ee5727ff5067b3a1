"""Write a large simulated OCR reprint, for measuring ``textrepair restore``'s streaming memory.

    python benchmarks/stream_input.py --mb 4 -o /tmp/reprint4mb.txt
    /usr/bin/time -v textrepair restore --kind ocr /tmp/reprint4mb.txt > /dev/null

The three training drafts, joined, damaged by :func:`textrepair.noise.ocr` (1 %
glyph errors, column spaces, half-width punctuation, lost lines) with seeds 0, 1, 2, …
until the file holds at least ``--mb`` megabytes of UTF-8; copies are separated by a
blank line. The streaming figures in docs/benchmarks.md come from ``--mb 1`` and ``--mb 4``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textrepair import noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--mb", type=float, default=1.0, help="size to reach, in megabytes (10**6 bytes)"
    )
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    text = "".join(read_text(f) for f in files_with_role("train"))
    copies: list[str] = []
    size, seed = 0, 0
    while size < args.mb * 1_000_000:
        damaged, _ = noise.ocr(text, rate=0.01, rng=random.Random(seed))
        copies.append(damaged)
        size += len(damaged.encode("utf-8"))
        seed += 1
    args.output.write_text("\n\n".join(copies), encoding="utf-8")
    print(f"{args.output}: {len(copies)} damaged copies, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
