"""Compare textrepair's Kneser-Ney trainer with KenLM's ``lmplz`` on the same text.

Usage::

    python benchmarks/compare_lmplz.py [--order N] [--rebuild]

Builds ``lmplz`` into ``third_party/`` (git-ignored) if it is not there yet:
kenlm's source distribution from PyPI, Debian's boost packages (installed with
apt-get when missing), ``cmake`` + ``make lmplz``. Then, on the three training
drafts (one LM unit per line, characters separated by spaces), trains both
models at the same order and prints

* the largest |log10 p| and |log10 back-off| difference over shared n-grams,
* the n-grams present in one model and not the other,
* both models' held-out perplexities, leave-one-draft-out (train on two drafts,
  perplexity on the third), computed with ``kenlm.Model`` for both ARPAs.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import quiet_stderr

from textrepair.corpus import files_with_role, units_from_files
from textrepair.lm import NgramModel, estimate, read_arpa, write_arpa

ROOT = Path(__file__).resolve().parent.parent
THIRD_PARTY = ROOT / "third_party"
LMPLZ = THIRD_PARTY / "build" / "bin" / "lmplz"
#: lmplz and kenlm are compiled with a maximum order; 8 covers benchmarks/perplexity.py.
MAX_ORDER = 8
APT_PACKAGES = (
    "cmake",
    "g++",
    "libboost-program-options-dev",
    "libboost-system-dev",
    "libboost-thread-dev",
    "libboost-test-dev",
    "zlib1g-dev",
    "libbz2-dev",
    "liblzma-dev",
)


# ---------------------------------------------------------------- building lmplz
def _run(cmd: Sequence[str], **kw: object) -> None:
    print("+", " ".join(map(str, cmd)), file=sys.stderr)
    subprocess.run(list(map(str, cmd)), check=True, **kw)  # type: ignore[arg-type]


def _missing_apt_packages() -> list[str]:
    """Debian packages of :data:`APT_PACKAGES` that are not installed."""
    missing = []
    for pkg in APT_PACKAGES:
        res = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True
        )
        if "install ok installed" not in res.stdout:
            missing.append(pkg)
    return missing


def _install_apt_packages() -> None:
    missing = _missing_apt_packages()
    if not missing:
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env)
    _run(["apt-get", "install", "-y", "-qq", *missing], env=env)


def _kenlm_source() -> Path:
    """Download and unpack kenlm's source distribution; return its directory."""
    src = THIRD_PARTY / "src"
    src.mkdir(parents=True, exist_ok=True)
    existing = sorted(p for p in src.iterdir() if p.is_dir() and p.name.startswith("kenlm"))
    if existing:
        return existing[-1]
    # --no-binary kenlm (not :all:) so pip may use wheels of the build tools it
    # needs to read the sdist's metadata instead of compiling cmake from source.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-binary",
            "kenlm",
            "--no-deps",
            "kenlm",
            "-d",
            src,
        ]
    )
    tarball = max(src.glob("kenlm-*.tar.gz"))
    with tarfile.open(tarball) as tf:
        tf.extractall(src, filter="data")
    return max(p for p in src.iterdir() if p.is_dir() and p.name.startswith("kenlm"))


def ensure_lmplz(rebuild: bool = False) -> Path:
    """Path to a built ``lmplz``, building it under ``third_party/`` if needed."""
    if LMPLZ.exists() and not rebuild:
        return LMPLZ
    _install_apt_packages()
    source = _kenlm_source()
    build = THIRD_PARTY / "build"
    build.mkdir(parents=True, exist_ok=True)
    _run(
        ["cmake", source, f"-DKENLM_MAX_ORDER={MAX_ORDER}", "-DCMAKE_BUILD_TYPE=Release"], cwd=build
    )
    _run(["make", f"-j{os.cpu_count() or 1}", "lmplz"], cwd=build)
    if not LMPLZ.exists():
        raise SystemExit(f"lmplz build finished but {LMPLZ} is missing")
    return LMPLZ


# ---------------------------------------------------------------- training
def write_units(units: Sequence[str], path: Path) -> None:
    """One unit per line, characters separated by spaces (lmplz's input)."""
    path.write_text("".join(" ".join(u) + "\n" for u in units), encoding="utf-8")


def train_lmplz(lmplz: Path, units: Sequence[str], order: int, arpa: Path) -> None:
    """Train with lmplz at *order* into *arpa*."""
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "text.txt"
        write_units(units, text)
        with open(text, "rb") as fin, open(arpa, "wb") as fout:
            subprocess.run(
                [str(lmplz), "-o", str(order), "--discount_fallback", "-S", "1G", "-T", tmp],
                stdin=fin,
                stdout=fout,
                stderr=subprocess.DEVNULL,
                check=True,
            )


def train_ours(units: Sequence[str], order: int, arpa: Path) -> NgramModel:
    model = estimate(units, order)
    write_arpa(model, arpa)
    return model


# ---------------------------------------------------------------- comparing
@dataclass
class Comparison:
    shared: int
    only_ours: list[tuple[str, ...]]
    only_lmplz: list[tuple[str, ...]]
    max_prob: float
    max_prob_ngram: tuple[str, ...]
    max_backoff: float
    max_backoff_ngram: tuple[str, ...]


def compare_models(ours: NgramModel, theirs: NgramModel) -> Comparison:
    """Largest differences over shared n-grams; n-grams in only one model.

    ``<s>``'s unigram probability is skipped: it is never used for scoring and
    the writers disagree on its placeholder (we write -99, lmplz writes 0).
    """
    cmp = Comparison(0, [], [], 0.0, (), 0.0, ())
    for mine, other in zip(ours.ngrams, theirs.ngrams):
        cmp.only_ours += sorted(set(mine) - set(other))
        cmp.only_lmplz += sorted(set(other) - set(mine))
        for g in mine.keys() & other.keys():
            cmp.shared += 1
            (lp1, bo1), (lp2, bo2) = mine[g], other[g]
            if g != ("<s>",) and abs(lp1 - lp2) > cmp.max_prob:
                cmp.max_prob, cmp.max_prob_ngram = abs(lp1 - lp2), g
            if abs(bo1 - bo2) > cmp.max_backoff:
                cmp.max_backoff, cmp.max_backoff_ngram = abs(bo1 - bo2), g
    return cmp


def kenlm_perplexity(arpa: Path, units: Sequence[str]) -> float:
    """Per-token perplexity (``</s>`` counted) of *units* under ``kenlm.Model``."""
    import kenlm

    with quiet_stderr():
        model = kenlm.Model(str(arpa))
    total = sum(model.score(" ".join(u), bos=True, eos=True) for u in units)
    tokens = sum(len(u) + 1 for u in units)
    return 10 ** (-total / tokens)


def held_out_perplexities(lmplz: Path, order: int, work: Path) -> list[tuple[str, float, float]]:
    """Leave-one-draft-out: (held-out draft, our perplexity, lmplz's perplexity)."""
    drafts = files_with_role("train")
    rows = []
    for held in drafts:
        train_units = list(units_from_files([d for d in drafts if d != held]))
        test_units = list(units_from_files([held]))
        ours, theirs = work / f"ours-{held.stem}.arpa", work / f"lmplz-{held.stem}.arpa"
        train_ours(train_units, order, ours)
        train_lmplz(lmplz, train_units, order, theirs)
        rows.append(
            (held.stem, kenlm_perplexity(ours, test_units), kenlm_perplexity(theirs, test_units))
        )
    return rows


def _fmt_ngram(g: tuple[str, ...]) -> str:
    return " ".join(g) if g else "-"


def report(order: int, cmp: Comparison, ppl: list[tuple[str, float, float]]) -> str:
    lines = [
        f"## textrepair vs lmplz, order {order}, three training drafts",
        "",
        f"shared n-grams: {cmp.shared}",
        f"only in ours: {len(cmp.only_ours)}  {[_fmt_ngram(g) for g in cmp.only_ours[:5]]}",
        f"only in lmplz: {len(cmp.only_lmplz)}  {[_fmt_ngram(g) for g in cmp.only_lmplz[:5]]}",
        f"max |log10 p diff|: {cmp.max_prob:.3g}  ({_fmt_ngram(cmp.max_prob_ngram)})",
        f"max |log10 backoff diff|: {cmp.max_backoff:.3g}  ({_fmt_ngram(cmp.max_backoff_ngram)})",
        "",
        "held-out perplexity (kenlm.Model on both ARPAs, leave-one-draft-out):",
        "",
        "| held out | ours | lmplz |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {p1:.3f} | {p2:.3f} |" for name, p1, p2 in ppl]
    mean1 = sum(r[1] for r in ppl) / len(ppl)
    mean2 = sum(r[2] for r in ppl) / len(ppl)
    lines.append(f"| mean | {mean1:.3f} | {mean2:.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--order", type=int, default=6, help="n-gram order for both trainers (default 6)"
    )
    ap.add_argument("--rebuild", action="store_true", help="rebuild lmplz even if it exists")
    args = ap.parse_args(argv)
    if not 1 <= args.order <= MAX_ORDER:
        ap.error(f"--order must be in 1..{MAX_ORDER}")
    # the kenlm Python module is usually compiled for orders up to 6
    if args.order > 6:
        print(
            f"note: kenlm.Model must support order {args.order} for the perplexities",
            file=sys.stderr,
        )
    if shutil.which("dpkg-query") is None and not LMPLZ.exists():
        raise SystemExit(
            "lmplz is not built and this is not a Debian system; build it by hand into "
            "third_party/build"
        )
    lmplz = ensure_lmplz(args.rebuild)
    units = list(units_from_files(files_with_role("train")))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours = train_ours(units, args.order, work / "ours.arpa")
        train_lmplz(lmplz, units, args.order, work / "lmplz.arpa")
        cmp = compare_models(ours, read_arpa(work / "lmplz.arpa"))
        ppl = held_out_perplexities(lmplz, args.order, work)
    print(report(args.order, cmp, ppl))
    return 0 if math.isfinite(cmp.max_prob) else 1


if __name__ == "__main__":
    raise SystemExit(main())
