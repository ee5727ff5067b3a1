"""Fetch the general word model (``models/zh_CN.lm``) from Debian's ``libime-data-language-model``.

Build-time only (``make wordlm``); the package queries the model
(:mod:`textrepair.lm.words`) and never imports this. ``apt-get download`` of the
pinned version, ``dpkg-deb -x``, the model's SHA-256 checked::

    python tools/fetch_wordlm.py                      # unless it is there already
    python tools/fetch_wordlm.py --score 他在公园里散步 他在公园里敢步   # log10 P of each
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textrepair.errors import TextrepairError  # noqa: E402
from textrepair.lm.words import PACKAGE, WORD_LM_PATH, find_word_model, load_word_model  # noqa: E402

#: the pinned version (Debian 12's) ...
PACKAGE_VERSION = "1.0.16-1"
MEMBER = "libime/zh_CN.lm"
#: ... and the model's SHA-256 per architecture (a KenLM binary is built per architecture;
#: on one not listed here the pinned version is the only check)
SHA256 = {"amd64": "e4097ca9ca1082928c2ea7d5e368080a696611efa0714dfe563c769f26a415d2"}


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def fetch(out: Path = WORD_LM_PATH) -> Path:
    """Download the pinned Debian package (``apt-get download``), check the model's hash, write it
    to *out*."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise TextrepairError(
            f"`make wordlm` needs apt-get and dpkg-deb (Debian) to fetch {PACKAGE}"
        )
    spec = f"{PACKAGE}={PACKAGE_VERSION}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)  # apt's sandbox user must be able to write the download here
        got = _run(["apt-get", "download", "-q", spec], work)
        if got.returncode != 0:  # a fresh machine may have no package lists yet
            _run(["apt-get", "update", "-qq"], work)
            got = _run(["apt-get", "download", "-q", spec], work)
        debs = sorted(work.glob("*.deb"))
        if got.returncode != 0 or not debs:
            raise TextrepairError(
                f"apt-get download {spec} failed: "
                f"{got.stderr.strip().splitlines()[-1:] or got.returncode}"
            )
        unpacked = work / "root"
        done = _run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], work)
        hits = sorted(unpacked.glob(f"usr/lib/*/{MEMBER}"))
        if done.returncode != 0 or not hits:
            raise TextrepairError(f"{debs[0].name} does not hold {MEMBER}")
        arch = _run(["dpkg", "--print-architecture"], work).stdout.strip()
        with open(hits[0], "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        expected = SHA256.get(arch, "")
        if expected and digest != expected:
            raise TextrepairError(
                f"{MEMBER} from {debs[0].name} has SHA-256 {digest}, expected {expected}"
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        shutil.copyfile(hits[0], partial)
        partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tools/fetch_wordlm.py", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--score",
        nargs="+",
        default=[],
        metavar="TEXT",
        help="character strings to score (log10, best segmentation) instead of fetching",
    )
    args = ap.parse_args(argv)
    try:
        if not args.score:
            found = find_word_model()
            path = found if found is not None else fetch()
            print(f"word model: {path}")
        for text in args.score:
            model = load_word_model()
            if model is None:
                print("textrepair: no word model (run `make wordlm`)", file=sys.stderr)
                return 1
            print(f"{text}\t{model.logprob(text):.3f}")
    except (TextrepairError, OSError) as exc:
        print(f"textrepair: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
