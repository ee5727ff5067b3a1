"""This checkout's speed against another revision's, in one run, on the same machine at once.

    python benchmarks/side_by_side.py REV [--engine tesseract|ppocr] [--sets drafts,general,reviews]
    python benchmarks/side_by_side.py REV --dropped [--runs 3]

Machines are noisy (a run's figures move by a quarter from one run to the next), so speed is
only compared side by side: REV is checked out in a temporary worktree beside this checkout,
its compiled loops built there (``setup.py build_ext --inplace``), the general models linked
from this checkout's ``models/``, and

* OCR (the default): ``benchmarks/real_ocr.py`` runs in both trees at once (two processes,
  one per core), and the Han characters per second of each set are printed with their ratio;
  every page's counts (fixed, false, coverage, …) are compared, so a change that is meant to
  be pure speed shows it repaired every page alike;
* ``--dropped``: the national dropped witness restored warm, five times in a process (the
  median), processes of the two trees alternating ``--runs`` times, and the outputs' digests
  compared.

Both trees run with this checkout's interpreter (``sys.executable``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERAL_MODELS = ("general.npz", "general.passages.npz", "zh_CN.lm")

#: one process's warm restores of the dropped witness: prints the times and the output's digest
_DROPPED = """
import hashlib, json, statistics, sys, time
sys.path.insert(0, ".")
import textrepair
text = open("corpora/national_yijian_dropped.txt", encoding="utf-8").read()
textrepair.repair(text, kind="dropped")  # loads and warms
times = []
for _ in range(5):
    t0 = time.perf_counter()
    r = textrepair.repair(text, kind="dropped")
    times.append(time.perf_counter() - t0)
print(json.dumps({"median": statistics.median(times),
                  "digest": hashlib.sha256(r.text.encode()).hexdigest()}))
"""


def worktree(rev: str, where: Path) -> Path:
    """REV checked out at *where*, its loops compiled and the general models linked in."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), rev],
        check=True,
        capture_output=True,
    )
    for name in GENERAL_MODELS:
        if (ROOT / "models" / name).exists() and not (where / "models" / name).exists():
            (where / "models" / name).symlink_to(ROOT / "models" / name)
    built = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=where,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:  # a revision without the extension scores with numpy
        print(f"note: {rev}'s loops not compiled ({built.stderr.strip()[-200:]})")
    return where


def ocr(trees: dict[str, Path], engine: str, sets: str, out: Path) -> None:
    """``real_ocr.py`` in every tree at once; Han/s per set side by side, pages compared."""
    procs = {}
    for name, tree in trees.items():
        cmd = [sys.executable, "benchmarks/real_ocr.py", "--engine", engine, "--sets", sets]
        cmd += ["--json", str(out / f"{name}.json")]
        procs[name] = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.DEVNULL)
    for name, p in procs.items():
        if p.wait() != 0:
            sys.exit(f"side_by_side: real_ocr.py failed in the {name} tree")
    rows = {name: json.loads((out / f"{name}.json").read_text()) for name in trees}
    strip = [[{k: v for k, v in r.items() if k != "seconds"} for r in rows[n]] for n in trees]
    print(f"| set ({engine}) | Han | {' | '.join(f'{n} Han/s' for n in trees)} | ratio |")
    print("|---|---|" + "---|" * (len(trees) + 1))
    for s in dict.fromkeys(r["set"] for r in rows["this"]):
        han = sum(r["han"] for r in rows["this"] if r["set"] == s)
        speed = {n: han / sum(r["seconds"] for r in rows[n] if r["set"] == s) for n in trees}
        figures = " | ".join(f"{speed[n]:,.0f}".replace(",", " ") for n in trees)
        print(f"| {s} | {han} | {figures} | {speed['this'] / speed['other']:.2f}x |")
    same = strip[0] == strip[1]
    print(f"pages repaired alike: {'yes' if same else 'NO'} ({len(rows['this'])} pages)")


def dropped(trees: dict[str, Path], runs: int) -> None:
    """Warm restores of the dropped witness, the trees' processes alternating."""
    medians: dict[str, list[float]] = {n: [] for n in trees}
    digests: dict[str, set[str]] = {n: set() for n in trees}
    for _ in range(runs):
        for name, tree in trees.items():
            done = subprocess.run(
                [sys.executable, "-c", _DROPPED], cwd=tree, capture_output=True, text=True
            )
            if done.returncode != 0:
                sys.exit(f"side_by_side: the dropped restore failed in the {name} tree")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            medians[name].append(result["median"])
            digests[name].add(result["digest"])
    for name in trees:
        each = " / ".join(f"{m:.3f}" for m in medians[name])
        print(f"{name}: warm restore of the dropped witness {each} s (median of 5 per process)")
    ratio = statistics.median(b / a for a, b in zip(medians["this"], medians["other"]))
    print(f"speed ratio (the other's time / this one's), pair by pair: {ratio:.2f}x")
    print(f"outputs alike: {'yes' if digests['this'] == digests['other'] else 'NO'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rev", help="the revision to compare with (e.g. HEAD~3, a tag)")
    ap.add_argument("--engine", choices=["tesseract", "ppocr"], default="tesseract")
    ap.add_argument("--sets", default="drafts,general,reviews")
    ap.add_argument("--dropped", action="store_true", help="the dropped witness, warm")
    ap.add_argument("--runs", type=int, default=3, help="with --dropped: processes per tree")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as tmp:
        other = worktree(args.rev, Path(tmp) / "other")
        try:
            trees = {"this": ROOT, "other": other}
            if args.dropped:
                dropped(trees, args.runs)
            else:
                ocr(trees, args.engine, args.sets, Path(tmp))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                capture_output=True,
            )


if __name__ == "__main__":
    main()
