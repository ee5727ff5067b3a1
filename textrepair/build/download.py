"""Download a file over HTTP(S), checked against a pinned SHA-256."""

from __future__ import annotations

import hashlib
import sys
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import TextrepairError

CHUNK = 1 << 16


def download(url: str, sha256: str, out: Path, *, progress: bool | None = None) -> Path:
    """Fetch *url* into *out* (through ``out.partial``, so an interrupted download leaves
    nothing behind) and check its SHA-256; a progress bar on stderr when it is a terminal
    (or *progress* says so)."""
    from tqdm import tqdm

    if progress is None:
        progress = sys.stderr.isatty()
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with (
                open(partial, "wb") as f,
                tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    desc=out.name,
                    disable=not progress,
                    leave=False,
                ) as bar,
            ):
                while chunk := response.read(CHUNK):
                    f.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise TextrepairError(f"could not download {url}: {exc}") from None
    if digest.hexdigest() != sha256:
        partial.unlink(missing_ok=True)
        raise TextrepairError(
            f"{url}: SHA-256 {digest.hexdigest()} is not the pinned {sha256}; not used"
        )
    partial.replace(out)
    return out


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
