"""Run-time access to the OCR glyph-confusion tables (no Pillow, no font needed).

The tables are built by ``tools/build_confusion.py`` and shipped in ``models/``:

* ``confusion.tsv`` (the default) — what the OCR repairer uses;
* ``ocr_sim.tsv`` (``load_confusions(name="ocr_sim")``) — a table built by a different
  mechanism, for the OCR simulator and for honest evaluation;
* ``parts.tsv`` (``load_confusions(name="parts")``) — component confusions from the IDS
  decomposition, considered in context by the repairer;
* ``splits.tsv`` (:func:`load_splits`, its own format) — the top-level IDS layout of each
  character, for structural look-alikes of rare glyphs;
* ``glyphs.npz`` (:func:`load_glyph_space`) — every glyph's rendered whole-glyph features in
  64 numbers, so the repairer can compare a rare glyph with any character at run time.

Each data row is ``observed<TAB>true<TAB>similarity<TAB>kind``; lines starting with ``#``
are comments. A malformed file raises :class:`~textrepair.errors.ModelError`. Loaded
tables are cached, so each file is read once per process.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..normalize import single_code_points
from ..resources import MODELS_DIR, read_model_text

KINDS = ("whole", "part")

Entry = tuple[str, float, str]


class ConfusionTable:
    """Which characters an OCR engine may read in place of which, with similarity and kind."""

    def __init__(self, rows: list[tuple[str, str, float, str]], source: str = "") -> None:
        self.source = source
        by_observed: dict[str, list[Entry]] = defaultdict(list)
        by_true: dict[str, list[Entry]] = defaultdict(list)
        for observed, true, sim, kind in rows:
            by_observed[observed].append((true, sim, kind))
            by_true[true].append((observed, sim, kind))
        self._by_observed = {k: _best_first(v) for k, v in by_observed.items()}
        self._by_true = {k: _best_first(v) for k, v in by_true.items()}
        self.rows = len(rows)

    def candidates(self, observed: str) -> list[Entry]:
        """``(true, similarity, kind)`` a read character may stand for, best first."""
        return list(self._by_observed.get(observed, ()))

    def substitutes(self, true: str) -> list[Entry]:
        """``(observed, similarity, kind)`` a true character may be misread as, best first."""
        return list(self._by_true.get(true, ()))

    def __contains__(self, observed: object) -> bool:
        """True if *observed* is a character the table has candidates for."""
        return observed in self._by_observed

    def __len__(self) -> int:
        return self.rows

    def __repr__(self) -> str:
        return f"ConfusionTable({self.source!r}, {self.rows} rows)"


def _best_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (-e[1], e[2] != "whole", e[0]))


def parse_row(line: str, where: str) -> tuple[str, str, float, str]:
    """One data line as ``(observed, true, similarity, kind)``, or raise ModelError."""
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != 4:
        raise ModelError(
            f"{where}: expected 4 tab-separated fields (observed, true, similarity, kind), got "
            f"{len(fields)}"
        )
    observed, true, sim_text, kind = fields
    if len(observed) != 1 or len(true) != 1:
        raise ModelError(
            f"{where}: observed and true must be single characters, got {observed!r} and {true!r}"
        )
    try:
        sim = float(sim_text)
    except ValueError:
        raise ModelError(f"{where}: similarity {sim_text!r} is not a number") from None
    if not 0.0 <= sim <= 1.0:
        raise ModelError(f"{where}: similarity {sim} is outside 0..1")
    if kind not in KINDS:
        raise ModelError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    # one string object per character and kind, however many rows name it
    return sys.intern(observed), sys.intern(true), sim, sys.intern(kind)


def read_table(path: Path) -> ConfusionTable:
    """Parse a confusion table file (uncached)."""
    text = read_model_text(path, "confusion table", "`make confusion`")
    rows = [
        parse_row(line, f"{path}:{n}")
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]
    if not rows:
        raise ModelError(f"confusion table {path} has no rows")
    return ConfusionTable(rows, source=str(path))


#: bump when :class:`ConfusionTable`'s attributes change (part of its disk cache key)
TABLE_LAYOUT = 1


@lru_cache(maxsize=None)
def _cached(path: Path) -> ConfusionTable:
    """The table at *path*, parsed once per content: a later process reads it back from the disk
    cache (:mod:`textrepair.cache`; 0.2 s for the shipped 250 000 rows against 0.8 s parsed)."""
    from ..cache import parsed_once

    return parsed_once("confusion", path, TABLE_LAYOUT, read_table)


def load_confusions(path: str | Path | None = None, *, name: str = "confusion") -> ConfusionTable:
    """The table at *path*, or ``models/<name>.tsv`` (default ``confusion``); cached per file.

    A bare table name such as ``load_confusions("ocr_sim")`` is accepted as *path* too.
    """
    if path is None:
        resolved = MODELS_DIR / f"{name}.tsv"
    elif (
        isinstance(path, str)
        and not path.endswith(".tsv")
        and "/" not in path
        and not Path(path).exists()
    ):
        resolved = MODELS_DIR / f"{path}.tsv"
    else:
        resolved = Path(path)
    return _cached(resolved.resolve())


Split = tuple[str, tuple[str, ...]]
#: children per Ideographic Description Character (U+2FF0-U+2FFB)
IDS_OPERATORS = {chr(c): (3 if chr(c) in "⿲⿳" else 2) for c in range(0x2FF0, 0x2FFC)}


def read_splits(path: Path) -> dict[str, Split]:
    """Parse ``splits.tsv`` (``char<TAB>operator<TAB>child child …``), or raise ModelError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(
            f"IDS split table {path} not found (build it with `make confusion`, or without fonts: "
            f"`python tools/build_confusion.py --parts-only`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read IDS split table {path}: {exc}") from None
    splits: dict[str, Split] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or len(fields[0]) != 1 or len(fields[1]) != 1 or not fields[2].strip():
            raise ModelError(f"{path}:{n}: expected char, operator and children separated by tabs")
        kids = tuple(fields[2].split(" "))
        if len(kids) != IDS_OPERATORS.get(fields[1], -1) or not all(kids):
            raise ModelError(
                f"{path}:{n}: operator {fields[1]!r} needs "
                f"{IDS_OPERATORS.get(fields[1], '2 or 3')} children, got {fields[2]!r}"
            )
        splits[fields[0]] = (fields[1], kids)
    if not splits:
        raise ModelError(f"IDS split table {path} has no rows")
    return splits


@lru_cache(maxsize=None)
def load_splits(path: Path | None = None) -> dict[str, Split]:
    """The IDS split table (``models/splits.tsv`` by default); cached. Treat the result as
    read-only."""
    return read_splits(path or MODELS_DIR / "splits.tsv")


class GlyphSpace:
    """Rendered glyphs as unit vectors: the dot product of two is their whole-glyph similarity."""

    def __init__(self, chars: Sequence[str], vectors: np.ndarray, source: str = "") -> None:
        if vectors.ndim != 2 or len(chars) != len(vectors):
            raise ModelError(
                f"glyph space {source}: {len(chars)} chars but vectors of shape {vectors.shape}"
            )
        if vectors.dtype.kind != "f":
            raise ModelError(
                f"glyph space {source}: vectors must be floating point, not {vectors.dtype}"
            )
        self.source = source
        self._chars = list(chars)
        self._index = {ch: i for i, ch in enumerate(chars)}
        self._vectors = vectors.astype(np.float32)
        self._digest = ""

    def digest(self) -> str:
        """SHA-256 of the space's characters and vectors (what a value derived from it depends
        on); worked out once."""
        if not self._digest:
            h = hashlib.sha256(repr(self._chars).encode("utf-8"))
            h.update(np.ascontiguousarray(self._vectors).data)
            self._digest = h.hexdigest()
        return self._digest

    def __contains__(self, ch: object) -> bool:
        return ch in self._index

    def __len__(self) -> int:
        return len(self._index)

    def matrix(self, chars: Sequence[str]) -> np.ndarray:
        """The vectors of *chars* (all in the space), one row each: for :meth:`similarities_to`."""
        return self._vectors[[self._index[c] for c in chars]]

    def similarities_to(self, observed: str, matrix: np.ndarray) -> np.ndarray | None:
        """Similarity of *observed* to each row of a :meth:`matrix` (None if the space lacks
        it): one product, for the many lookups against one fixed set of characters."""
        i = self._index.get(observed)
        return None if i is None else matrix @ self._vectors[i]

    def similarities(self, observed: str, candidates: Sequence[str]) -> list[float]:
        """Similarity of *observed* to each of *candidates* (0.0 for a character the space
        lacks)."""
        i = self._index.get(observed)
        if i is None:
            return [0.0] * len(candidates)
        cps = single_code_points(candidates)
        if cps is not None:  # characters: their rows by code point, in one go
            table = self._rows_by_code_point
            at = table[np.minimum(cps, len(table) - 1)]
        else:
            at = np.fromiter(
                (self._index.get(c, -1) for c in candidates), dtype=np.int64, count=len(candidates)
            )
        known = at >= 0
        out = np.zeros(len(candidates))
        if known.any():
            # row by row (einsum's own loop): a pair's similarity to the last bit is the same
            # whatever else is asked with it, which a matrix product's blocking does not promise
            # (the corrector keeps what it computed for later pages)
            out[known] = np.einsum("ij,j->i", self._vectors[at[known]], self._vectors[i])
        return out.tolist()

    @cached_property
    def _rows_by_code_point(self) -> np.ndarray:
        """Each code point's row in the space (-1 where it has none), up to the largest one the
        space holds and one beyond it (where any larger code point is looked up)."""
        single = [(ord(c), i) for c, i in self._index.items() if len(c) == 1]
        table = np.full(max((cp for cp, _ in single), default=0) + 2, -1, dtype=np.int64)
        for cp, i in single:
            table[cp] = i
        return table


def read_glyph_space(path: Path) -> GlyphSpace:
    """Parse ``glyphs.npz`` (arrays ``chars`` and ``vectors``), or raise ModelError."""
    try:
        with np.load(path, allow_pickle=False) as data:
            chars, vectors = data["chars"], data["vectors"]
    except FileNotFoundError:
        raise ModelError(f"glyph space {path} not found (build it with `make confusion`)") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(f"cannot read glyph space {path}: {exc}") from None
    if chars.dtype.kind != "U" or chars.ndim != 1 or not all(len(c) == 1 for c in chars.tolist()):
        raise ModelError(f"glyph space {path}: chars must be single characters")
    return GlyphSpace(chars.tolist(), vectors, source=str(path))


@lru_cache(maxsize=None)
def load_glyph_space(path: Path | None = None) -> GlyphSpace:
    """The shipped glyph space (``models/glyphs.npz`` by default); cached."""
    return read_glyph_space(path or MODELS_DIR / "glyphs.npz")
