"""Unbounded-order evidence: the longest match of a context in the training text.

An n-gram model forgets after ``order - 1`` characters. Where the training text
holds a passage verbatim, the longest suffix of the context that the training
text contains says more: of the times that suffix occurred, how often the next
character followed it. This is the ∞-gram of infini-gram (Liu et al., 2024,
"Infini-gram: Scaling Unbounded n-gram Language Models to a Trillion Tokens")::

    p_inf(w | h) = count(s w) / count(s •),  s = the longest suffix of h with count(s •) > 0

:class:`MatchIndex` counts every substring of the training text up to
:attr:`MatchIndex.max_context` + 1 characters (sorted 64-bit window hashes, one
array per length; the drafts' 32 K characters make a few MB), so a lookup is a
binary search per context length. :class:`LongMatch` mixes it into a scorer
only where the match is longer than the n-gram model's context::

    p(w | h) = (1 - weight) p_base(w | h) + weight p_inf(w | h)   if |s| >= min_context
    p(w | h) = p_base(w | h)                                       otherwise

A hypothesis that leaves a long verbatim passage pays ``log10(1 - weight)`` at
the character where it leaves; one that follows it gains. ``</s>`` is scored by
the base alone.

>>> index = MatchIndex(["甲乙丙丁戊己庚", "子乙丙丁戊午"], max_context=8)
>>> index.lookup(["甲乙丙丁戊己"], [5])  # context 甲乙丙丁戊 (5), 己 followed it once of once
(array([5]), array([1]), array([1]))
>>> index.lookup(["乙丙丁戊己"], [4])  # 乙丙丁戊 occurred twice, followed by 己 once
(array([4]), array([2]), array([1]))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..resources import beside_model
from .scorer import _MULT, CHAR, Forest, Scorer, State, _kernel

#: the longest context the compiled loop looks up (``MAX_CONTEXT`` in ``_kernel.c``)
KERNEL_MAX_CONTEXT = 64


class _Alphabet:
    """Digits 1..n for a training text's sorted characters; any other character (and the unit
    separator) is :attr:`foreign`, n + 1, so no stored window contains it."""

    def __init__(self, chars: list[str]):
        self.chars = chars
        self.foreign = len(chars) + 1
        self._table = np.full(max((ord(c) for c in chars), default=0) + 2, self.foreign)
        self._table[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1)

    def digits(self, text: str) -> np.ndarray:
        """The digit of every character of *text* (int64)."""
        return self.of(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))

    def of(self, cp: np.ndarray) -> np.ndarray:
        """The digit of every code point of *cp* (int64)."""
        return self._table[np.minimum(cp, len(self._table) - 1)]


class MatchIndex:
    """Counts of every substring of a training text (its units, never across two of them)."""

    #: look up with the compiled loop where it was built (False: the numpy version, its
    #: reference)
    compiled: bool = True
    #: its arrays as the compiled loop reads them (made on its first call; the same arrays where
    #: their types already are the loop's)
    _kernel_index: tuple[Any, ...] | None = None

    def __init__(self, units: Sequence[str], max_context: int = 24):
        if max_context < 1:
            raise ValueError(f"max_context must be at least 1 (got {max_context})")
        self.max_context = max_context
        # a character the training text never shows (or the unit separator) is foreign: no
        # match runs across it
        self._alphabet = _Alphabet(sorted(set("".join(units))))
        d = self._digits("\x00" + "\x00".join(units))
        ok = d != self._alphabet.foreign
        powers = np.cumprod(np.full(max_context + 1, _MULT, dtype=np.uint64))
        self._powers = np.concatenate([[np.uint64(1)], powers[:-1]]).astype(np.uint64)
        # W(e, m) = sum_{i < m} d[e - i] * B**i: the window of length m ending at e.
        # Per context length, the sorted distinct windows followed by a character in the
        # same unit and their counts; all windows of every length in one table.
        self._contexts: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, np.uint64),) * 2]
        windows: list[np.ndarray] = []
        h = d.copy()
        valid = ok.copy()
        for m in range(1, max_context + 2):
            if m > len(d):  # longer than the whole text
                valid[:] = False
            elif m > 1:
                h[m - 1 :] += d[: len(d) - m + 1] * self._powers[m - 1]
                valid[m - 1 :] &= ok[: len(d) - m + 1]
                valid[: m - 1] = False
            ends = np.flatnonzero(valid)
            windows.append(h[ends])
            if m <= max_context:
                nxt = ends[(ends + 1 < len(d))]
                self._contexts.append(np.unique(h[nxt[ok[nxt + 1]]], return_counts=True))
        self._windows = np.unique(np.concatenate(windows), return_counts=True)

    def _digits(self, text: str) -> np.ndarray:
        return self._alphabet.digits(text).astype(np.uint64)

    @staticmethod
    def _count(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
        stored, counts = table
        if stored.size == 0:
            return np.zeros(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(stored, keys), len(stored) - 1)
        return np.where(stored[at] == keys, counts[at], 0)

    def lookup(
        self, rows: Sequence[str], starts: Sequence[int], min_context: int = 1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every character of each row from ``starts[r]`` on, row by row: the length of the
        longest context (within the row, at most :attr:`max_context`) the training text
        shows followed by some character, that context's count, and how often this
        character followed it. Length 0 (counts 0) where no context of at least
        *min_context* characters was seen."""
        forest, offs, total = Forest.of_rows(rows, [False] * len(rows), False)
        starts_a = np.asarray(starts, dtype=np.int64)
        at = _spans(offs + starts_a, np.maximum(total - starts_a, 0))
        return self.lookup_nodes(forest, at, min_context)

    def lookup_nodes(
        self, forest: Forest, at: np.ndarray, min_context: int = 1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`lookup` for the nodes *at* of a :class:`~textrepair.lm.scorer.Forest`, each
        read after the path to it (by the compiled loop where it was built: the same
        numbers)."""
        if _kernel is not None and self.compiled and self.max_context <= KERNEL_MAX_CONTEXT:
            return self._compiled_lookup(forest, at, min_context)
        foreign = self._alphabet.foreign
        n = len(forest.cp)
        # node n stands before every root: a foreign digit, its own parent
        d = np.append(np.where(forest.mark == CHAR, self._alphabet.of(forest.cp), foreign), foreign)
        d = d.astype(np.uint64)
        up = np.append(np.where(forest.parent < 0, n, forest.parent), n)
        # a node's context is the path ending at its parent: siblings (a decoder's options
        # after one state) share it, so each distinct parent's context is looked up once
        ends, which = np.unique(up[np.asarray(at, dtype=np.int64)], return_inverse=True)
        best = np.zeros(len(ends), dtype=np.int64)
        ctx_count = np.zeros(len(ends), dtype=np.int64)
        h = np.zeros(len(ends), dtype=np.uint64)
        anc = ends.copy()  # before step k: the (k-1)-th ancestor of each context's end
        lo = max(min_context, 1)
        # contexts shorter than min_context are only hashed
        for k in range(1, min(lo, self.max_context + 1)):
            h += d[anc] * self._powers[k - 1]
            anc = up[anc]
        active = np.arange(len(ends))
        for k in range(lo, self.max_context + 1):
            if active.size == 0:
                break
            h_k = h[active] + d[anc[active]] * self._powers[k - 1]
            c = self._count(self._contexts[k], h_k)
            hit = c > 0
            active = active[hit]
            h[active] = h_k[hit]
            best[active] = k
            ctx_count[active] = c[hit]
            anc[active] = up[anc[active]]
        best, ctx_count, h = best[which], ctx_count[which], h[which]
        seen = np.flatnonzero(best)
        full_count = np.zeros(len(best), dtype=np.int64)
        full_count[seen] = self._count(self._windows, d[at[seen]] + _MULT * h[seen])
        return best, ctx_count, full_count

    def _compiled_lookup(
        self, forest: Forest, at: np.ndarray, min_context: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._kernel_index is None:  # the index's arrays in the types the loop reads
            keys, counts = self._windows
            self._kernel_index = (
                np.ascontiguousarray(self._alphabet._table, dtype=np.int64),
                self._powers,
                [
                    (
                        np.ascontiguousarray(k, dtype=np.uint64),
                        np.ascontiguousarray(c, dtype=np.int64),
                    )
                    for k, c in self._contexts
                ],
                np.ascontiguousarray(keys, dtype=np.uint64),
                np.ascontiguousarray(counts, dtype=np.int64),
            )
        digits, powers, contexts, window_keys, window_counts = self._kernel_index
        at = np.ascontiguousarray(at, dtype=np.int64)
        best = np.empty(len(at), dtype=np.int64)
        ctx_count = np.empty(len(at), dtype=np.int64)
        full_count = np.empty(len(at), dtype=np.int64)
        _kernel.match_lookup(
            np.ascontiguousarray(forest.cp, dtype=np.uint32),
            np.ascontiguousarray(forest.mark, dtype=np.int8),
            np.ascontiguousarray(forest.parent, dtype=np.int64),
            digits,
            self._alphabet.foreign,
            at,
            min_context,
            powers,
            contexts,
            window_keys,
            window_counts,
            best,
            ctx_count,
            full_count,
        )
        return best, ctx_count, full_count


class GapIndex:
    """The characters the training text has between the same *context* characters either side.

    Where a page holds a passage the training text also has, a misreading inside it
    leaves its neighbours intact: the training text then says which character stood
    between them, however unlike the misread glyph it is (an engine's long tail of
    confusions). Every window of ``2 * context + 1`` characters of a unit is stored
    as the hash of its outer characters (the polynomial hash of the scorer's
    n-gram keys) and its middle one, sorted, so a paragraph's windows are looked up
    at once.

    >>> GapIndex(["甲乙丙丁戊", "子甲乙午丁戊"]).middles("己甲乙未丁戊")
    ['', '', '', '丙午', '', '']
    """

    def __init__(self, units: Sequence[str], context: int = 2):
        if context < 1:
            raise ValueError(f"context must be at least 1 (got {context})")
        self._setup(sorted(set("".join(units))), context)
        keys, mids, ok = self._windows("\x00" + "\x00".join(units) + "\x00")
        ok &= mids != self._alphabet.foreign
        pairs = np.unique(np.stack([keys[ok], mids[ok].astype(np.uint64)]), axis=1)
        self._keys, self._mids = pairs[0], pairs[1].astype(np.int32)

    def _setup(self, chars: list[str], context: int) -> None:
        self.context = context
        self._alphabet = _Alphabet(chars)

    def save(self, path: str | Path) -> None:
        """Write the index (an uncompressed ``.npz``: it loads without rebuilding)."""
        np.savez(
            path,
            context=np.int64(self.context),
            chars=np.array(self._alphabet.chars, dtype="<U1"),
            keys=self._keys,
            mids=self._mids,
        )

    @classmethod
    def load(cls, path: str | Path) -> GapIndex:
        """An index :meth:`save` wrote; a :class:`~textrepair.errors.ModelError` naming *path*
        if it is not one."""
        try:
            with np.load(path, allow_pickle=False) as z:
                context, chars = z["context"], [str(c) for c in z["chars"]]
                keys, mids = z["keys"].astype(np.uint64), z["mids"].astype(np.int32)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path} is not a passage index: {exc}") from None
        ok = (
            context.ndim == 0
            and np.issubdtype(context.dtype, np.integer)
            and int(context) >= 1
            and all(len(c) == 1 for c in chars)
            and chars == sorted(set(chars))
            and keys.ndim == mids.ndim == 1
            and keys.shape == mids.shape
            and bool(np.all(keys[1:] >= keys[:-1]))
            and (not mids.size or 0 < int(mids.min()) <= int(mids.max()) <= len(chars))
        )
        if not ok:
            raise ModelError(f"{path} is not a passage index: its arrays disagree")
        index = cls.__new__(cls)
        index._setup(chars, int(context))
        index._keys, index._mids = keys, mids
        return index

    def _windows(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every character of *text* with *context* characters either side: the hash of
        those characters, its own digit, and whether all of them are known."""
        d = self._alphabet.digits(text)
        c = np.arange(self.context, len(d) - self.context)
        h = np.zeros(len(c), dtype=np.uint64)
        ok = np.ones(len(c), dtype=bool)
        for j in (*range(-self.context, 0), *range(1, self.context + 1)):
            x = d[c + j]
            h = h * _MULT + x.astype(np.uint64)
            ok &= x != self._alphabet.foreign
        return h, d[c], ok

    def middles(self, han: str) -> list[str]:
        """For each character of *han*: the characters the training text has between its
        *context* neighbours either side ("" where it has none, or near the ends)."""
        out = [""] * len(han)
        if len(han) <= 2 * self.context or self._keys.size == 0:
            return out
        keys, _, ok = self._windows(han)
        lo = np.searchsorted(self._keys, keys, "left")
        hi = np.searchsorted(self._keys, keys, "right")
        chars = self._alphabet.chars
        for i in np.flatnonzero(ok & (hi > lo)):
            out[i + self.context] = "".join(chars[m - 1] for m in self._mids[lo[i] : hi[i]])
        return out


class LongMatch(Scorer):
    """A scorer with the training text's longest matches mixed in (see the module doc).

    States carry :attr:`MatchIndex.max_context` characters; the base model reads the
    same forest but never further back than ``base.order - 1`` of them, so it scores
    exactly as alone, and a decoder recombines on those (:meth:`recombination_key`), so
    its beam holds the same distinct futures as with the base alone.
    """

    def __init__(
        self,
        base: Scorer,
        index: MatchIndex,
        weight: float,
        min_context: int,
    ):
        if not 0.0 <= weight < 1.0:
            raise ValueError(f"long-match weight must lie in [0, 1) (got {weight})")
        self.base, self.index, self.weight, self.min_context = base, index, weight, min_context
        self.order = max(base.order, index.max_context + 1)

    def __contains__(self, ch: str) -> bool:
        return ch in self.base  # type: ignore[operator]

    def recombination_key(self, state: State) -> object:
        """The base model's state: hypotheses that agree on the last ``base.order - 1``
        characters are recombined as the base alone would recombine them, the better one
        keeping its longer history (an approximation: their long matches may differ)."""
        n = self.base.order - 1
        return (state[0][-n:] if n > 0 else "", state[1] and len(state[0]) < n)

    def _node_scores(self, forest: Forest) -> np.ndarray:
        """The base's scores, mixed with the long matches at the scored characters."""
        a = self.base._node_scores(forest)
        at = np.flatnonzero(forest.scored & (forest.mark == CHAR))
        k, ctx, full = self.index.lookup_nodes(forest, at, self.min_context)
        speak = k >= self.min_context
        p_inf = np.where(speak, full / np.maximum(ctx, 1), 0.0)
        mixed = np.log10((1.0 - self.weight) * 10.0 ** a[at] + self.weight * p_inf)
        a[at] = np.where(speak, mixed, a[at])
        return a


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total, dtype=np.int64)


def units_path_for(arpa: str | Path) -> Path:
    """Where the training text of a model lives: ``x.arpa`` -> ``x.units.txt`` (one LM unit per
    line, as ``textrepair train`` writes it)."""
    return beside_model(arpa, ".units.txt")


def write_units(units: Iterable[str], path: str | Path) -> None:
    """Write LM units one per line (the text :class:`MatchIndex` indexes)."""
    with open(path, "w", encoding="utf-8") as f:
        for unit in units:
            if "\n" in unit:
                raise ValueError("an LM unit cannot hold a line break")
            f.write(unit + "\n")


def read_units(path: str | Path) -> list[str]:
    """The units of a file written by :func:`write_units`."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path} is not a UTF-8 units file (byte {exc.start})") from None
