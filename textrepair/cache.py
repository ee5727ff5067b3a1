"""A disk cache for what is slow to derive and the same on every run (keyed by content hash).

The first call in a process pays for reading jieba's 350 K-word dictionary, building the
lexicon from it and parsing the ARPA model; each depends only on files whose content is
hashed into the key, so they are kept on disk (pickle and ``.npz`` files under
:func:`cache_dir`) and read back on later runs. An unreadable or stale entry is rebuilt; a
cache folder that cannot be written only costs the time (nothing fails).
``TEXTREPAIR_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .lm.scorer import Model

T = TypeVar("T")

#: bump when the layout of a cached value changes
VERSION = 1
CACHE_ENV = "TEXTREPAIR_CACHE"
NO_CACHE_ENV = "TEXTREPAIR_NO_CACHE"


def cache_dir() -> Path:
    """``$TEXTREPAIR_CACHE`` if set, else ``derived/`` in the user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("textrepair", appauthor=False)) / "derived"


@lru_cache(maxsize=64)
def file_digest(path: str) -> str:
    """SHA-256 of a file's content (once per process and path); '' if it does not exist."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def key_of(parts: Iterable[object]) -> str:
    """A short hex key for *parts* (their reprs, in order)."""
    h = hashlib.sha256(repr((VERSION, *parts)).encode("utf-8"))
    return h.hexdigest()[:32]


def cached(name: str, parts: Iterable[object], build: Callable[[], T]) -> T:
    """``build()``, or what an earlier run stored under *name* and the same key parts."""
    if os.environ.get(NO_CACHE_ENV):
        return build()
    path = cache_dir() / f"{name}-{key_of(parts)}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)  # type: ignore[no-any-return]
    except OSError:  # not there, or no cache folder to read
        pass
    except Exception:  # a torn or foreign file: rebuild it
        with contextlib.suppress(OSError):
            path.unlink()
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return value


def parsed_once(name: str, path: Path, layout: int, parse: Callable[[Path], T]) -> T:
    """``parse(path)``, or what an earlier run kept of it under *name*, the file's path and
    content, and the *layout* of the parsed value (bump it when its attributes change). A file
    that is not there is handed to *parse*, whose error names it."""
    digest = file_digest(str(path))
    if not digest:
        return parse(path)
    return cached(name, [str(path), digest, layout], lambda: parse(path))


def cached_file(
    name: str, parts: Iterable[object], suffix: str, write: Callable[[Path], None]
) -> Path | None:
    """The path of a derived file kept under *name* and the key parts, ``write(path)`` making it
    on the first call; None when the cache is off or cannot be written."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    path = cache_dir() / f"{name}-{key_of(parts)}{suffix}"
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
        write(Path(tmp))
        os.replace(tmp, path)
    except OSError:
        return None
    return path


def raw_model(path: str | Path) -> Model:
    """The model at *path* (ARPA, or a compressed binary), read through an uncompressed binary
    copy kept in the cache (keyed by content: it scores exactly as the original and loads in
    a fraction of the time); the original itself when the cache is off or the copy is torn."""
    from .errors import ModelError
    from .lm.scorer import Model

    p = str(path)
    binary = cached_file(
        "model-raw", [file_digest(p)], ".npz", lambda out: Model(p).save(out, compress=False)
    )
    if binary is None:
        return Model(p)
    try:
        model = Model(binary)
    except ModelError:  # a torn cache file: the original decides
        binary.unlink(missing_ok=True)
        return Model(p)
    model.path = Path(p)
    return model
