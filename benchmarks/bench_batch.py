"""Batch throughput: documents per second with 1 and 2 workers on one generated folder.

Usage: ``python benchmarks/bench_batch.py [--docs N] [--chars C]``

Builds a folder of N documents (slices of the training drafts damaged as OCR'd reprints
by :func:`textrepair.noise.ocr`: 1 % glyph substitutions, column-wrap spaces, half-width
punctuation; alternately UTF-8 and GB18030), then runs :func:`textrepair.batch.run_batch` on it with
``--workers 1`` and
``--workers 2``, each run in a fresh forked process so its memory is measured alone.
Prints documents/second, the 2-vs-1 ratio (the goal is >= 1.8x with two cores)
and the peak RSS of a worker (``getrusage``: for one worker the run's own process, for
two the largest pool process).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from textrepair import noise
from textrepair.batch import run_batch

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
DRAFTS = sorted(CORPORA.glob("draft_*.txt"))


def make_folder(root: Path, docs: int, chars: int) -> None:
    """Write *docs* documents of about *chars* characters, half UTF-8, half GB18030."""
    text = "".join(p.read_text(encoding="utf-8") for p in DRAFTS)
    for i in range(docs):
        start = (i * 7919) % max(1, len(text) - chars)
        body, _ = noise.ocr(text[start : start + chars], rate=0.01, rng=random.Random(i))
        sub = root / f"part{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        encoding = "utf-8" if i % 2 else "gb18030"
        (sub / f"doc{i:04d}.txt").write_bytes(body.encode(encoding))


def _measure(in_dir: str, out_dir: str, workers: int, queue: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    summary = run_batch(in_dir, out_dir, workers=workers, progress=False)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put((summary.total, summary.failed, seconds, own, children))


def measure(in_dir: Path, out_dir: Path, workers: int) -> tuple[float, float]:
    """Run one configuration in a fresh process; return (docs/s, worker peak RSS in MB)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(str(in_dir), str(out_dir), workers, queue))
    proc.start()
    total, failed, seconds, own_kb, children_kb = queue.get()
    proc.join()
    if failed:
        sys.exit(f"{failed} of {total} documents failed; see {out_dir}")
    worker_kb = own_kb if workers == 1 else children_kb
    return total / seconds, worker_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--chars", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        in_dir = Path(tmp) / "in"
        make_folder(in_dir, args.docs, args.chars)
        print(f"{args.docs} documents of ~{args.chars} characters")
        rates = {}
        for workers in (1, 2):
            rate, rss = measure(in_dir, Path(tmp) / f"out{workers}", workers)
            rates[workers] = rate
            print(f"workers={workers}: {rate:7.1f} docs/s   peak RSS per worker {rss:6.1f} MB")
        print(f"speed-up 2 vs 1 workers: {rates[2] / rates[1]:.2f}x (goal >= 1.8x)")


if __name__ == "__main__":
    main()
