"""The project's corpora: reading text files safely and finding the training drafts.

``corpora/manifest.json`` names each file's role; ``train`` files feed the default
model. Reading is strict: a file that is not valid text raises
:class:`~textrepair.errors.InputError` with a one-line message, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .normalize import lm_units

#: ``corpora/`` in a source checkout (the package is installed editable).
CORPORA_DIR = Path(__file__).resolve().parent.parent / "corpora"


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    role: str
    what: str
    encoding: str = "utf-8"


def manifest(corpora_dir: Path = CORPORA_DIR) -> list[CorpusFile]:
    """The files listed in ``corpora/manifest.json``."""
    mf = corpora_dir / "manifest.json"
    try:
        data = json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read corpus manifest {mf}: {exc}") from None
    return [
        CorpusFile(
            corpora_dir / f["path"], f["role"], f.get("what", ""), f.get("encoding", "utf-8")
        )
        for f in data["files"]
    ]


def files_with_role(role: str, corpora_dir: Path = CORPORA_DIR) -> list[Path]:
    return [f.path for f in manifest(corpora_dir) if f.role == role]


def read_text(path: str | Path) -> str:
    """Read a UTF-8 (optionally BOM-prefixed) text file, or raise InputError."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise InputError(f"{p} looks binary (contains NUL bytes), not a text corpus")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first"
        ) from None


def units_from_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """LM units (Han-only paragraphs) of every file, in order."""
    for path in paths:
        yield from lm_units(read_text(path))
