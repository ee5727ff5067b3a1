"""Helpers the benchmark scripts share (they run as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

C = TypeVar("C")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (kenlm's C++ progress bar and messages while it loads an ARPA)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def config_with(kind: type[C], settings: Sequence[str]) -> C:
    """The default *kind* config with ``NAME=VALUE`` settings applied (values typed as the
    field)."""
    default = kind()
    names = {f.name for f in dataclasses.fields(default)}  # type: ignore[arg-type]
    changes: dict[str, object] = {}
    for item in settings:
        name, _, value = item.partition("=")
        if name not in names:
            raise SystemExit(f"--set: {kind.__name__} has no setting {name!r}")
        current = getattr(default, name)
        if isinstance(current, bool):
            changes[name] = value.lower() in ("1", "true", "yes")
        else:
            changes[name] = type(current)(value)
    return dataclasses.replace(default, **changes)  # type: ignore[type-var]
