"""A numpy n-gram scorer: an ARPA model in arrays, scoring batches of strings at once.

Every character is a token. The numbers are kenlm's: for each position the
longest n-gram present in the model gives the probability, and the back-off
weights of the longer contexts that were not matched are added, exactly as
``kenlm.Model.score(" ".join(text), bos=True, eos=True)`` does.

Layout: unigrams are plain arrays indexed by token id, bigrams a dense
``V x V`` array when the vocabulary is small; each higher order is an
open-addressing hash table (``uint64`` keys, linear probing, load <= 1/4) with
the matching log10 probabilities and back-offs. A batch of strings becomes one
:class:`Forest` of tokens (``<s>``/``</s>`` around each string, no padding): a
decoder's continuations hang under one copy of their state's context, so a
context shared by many continuations is read once. The hash of the n-gram ending
at each node is a rolling multiply-add of the (n-1)-gram hash ending at its
parent, and order ``n`` is only probed where both (n-1)-grams it contains were
found (ARPA's prefix/suffix property), so the work shrinks with every order.
Nothing loops over strings in Python.

The surface mirrors kenlm's Python module: :meth:`Model.score`,
:meth:`Model.full_scores`, :class:`State` with :meth:`Model.begin_state` /
:meth:`Model.null_state` and :meth:`Model.score_continuations` for decoders
that extend many hypotheses at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..errors import ModelError
from .arpa import read_arpa
from .train import BOS, EOS, UNK, NgramModel

try:  # the inner loops compiled (setup.py); without them the numpy and Python versions run
    from . import _kernel
except ImportError:  # pragma: no cover - a build where the C compiler was missing
    _kernel = None  # type: ignore[assignment]

UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio)
#: the highest order the compiled loop reads (``MAX_ORDER`` in ``_kernel.c``); numpy scores above
KERNEL_MAX_ORDER = 16
#: Bigrams go into a dense V x V array when V**2 is at most this (~4 M cells, 68 MB).
DENSE_BIGRAMS_MAX = 4_000_000
#: The ``q`` and ``b`` values of the bigram and higher tables: single precision, as kenlm
#: stores them (an ARPA file gives six decimals). The hash tables at load factor 1/4 are most
#: of a model's memory: the general model's take 84 MB so, 126 MB in double precision.
TABLE_VALUES = np.float32


def _hash_step(h: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rolling hash: fold one more (newer) token into ``h``. Wraps mod 2**64."""
    with np.errstate(over="ignore"):
        return h * _MULT + (ids.astype(np.uint64) + np.uint64(1))


def _hash_step_p1(h: np.ndarray, ids_p1: np.ndarray) -> np.ndarray:
    """:func:`_hash_step` with ``ids + 1`` already computed as uint64."""
    with np.errstate(over="ignore"):
        return h * _MULT + ids_p1


class _HashTable:
    """Open addressing with linear probing: uint64 key -> ``q`` and ``b`` values (see
    :class:`Model`).

    Key 0 marks an empty slot (a real n-gram hash is never 0; checked on build).
    The load factor is kept at or below 1/4 so that nearly every lookup ends at
    its home slot; the home slot is Fibonacci hashing (top bits of ``key * C``).
    """

    _FIB = np.uint64(0x9E3779B97F4A7C15 ^ 0x5851F42D4C957F2D)

    def __init__(self, keys: np.ndarray, q: np.ndarray, b: np.ndarray):
        bits = max(4, int(np.ceil(np.log2(max(4 * len(keys), 2)))))
        self.mask = np.int64((1 << bits) - 1)
        self.shift = np.uint64(64 - bits)
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.q = np.zeros(1 << bits, dtype=TABLE_VALUES)
        self.b = np.zeros(1 << bits, dtype=TABLE_VALUES)
        if np.any(keys == 0):
            raise ModelError("an n-gram hashes to 0; cannot load")
        slots = self._home(keys)
        pending = np.arange(len(keys))
        while pending.size:
            s = slots[pending]
            free = self.keys[s] == 0
            claim_slots, first = np.unique(s[free], return_index=True)
            winners = pending[free][first]
            self.keys[claim_slots] = keys[winners]
            self.q[claim_slots] = q[winners]
            self.b[claim_slots] = b[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self.mask

    @classmethod
    def from_slots(cls, keys: np.ndarray, q: np.ndarray, b: np.ndarray) -> "_HashTable":
        """A table from the slot arrays of a built one (see :meth:`Model.save`)."""
        n = len(keys)
        if n < 16 or n & (n - 1) or not len(q) == len(b) == n:
            raise ModelError("malformed hash table in a binary model")
        t = cls.__new__(cls)
        bits = n.bit_length() - 1
        t.mask, t.shift = np.int64(n - 1), np.uint64(64 - bits)
        t.keys = keys.astype(np.uint64, copy=False)  # saved in these types: no copy
        t.q, t.b = q.astype(TABLE_VALUES, copy=False), b.astype(TABLE_VALUES, copy=False)
        return t

    def _home(self, h: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((h * self._FIB) >> self.shift).astype(np.int64)

    def find(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(indices into h that are present, their slots)``, indices ascending."""
        s = self._home(h)
        k = self.keys[s]
        hit = k == h
        probe = np.flatnonzero((k != 0) & ~hit)  # collided at home: probe on, in place
        at = (s[probe] + 1) & self.mask
        while probe.size:
            k = self.keys[at]
            ok = k == h[probe]
            s[probe[ok]] = at[ok]
            hit[probe[ok]] = True
            go_on = ~ok & (k != 0)
            probe, at = probe[go_on], (at[go_on] + 1) & self.mask
        idx = np.flatnonzero(hit)
        return idx, s[idx]


class _DenseBigrams:
    """Bigrams as a dense ``V x V`` array (direct indexing) when the vocabulary is small."""

    def __init__(self, vocab_size: int, ids: np.ndarray, q: np.ndarray, b: np.ndarray):
        self.v = vocab_size
        flat = ids[:, 0] * vocab_size + ids[:, 1]
        self.present = np.zeros(vocab_size * vocab_size, dtype=bool)
        self.q = np.zeros(vocab_size * vocab_size, dtype=TABLE_VALUES)
        self.b = np.zeros(vocab_size * vocab_size, dtype=TABLE_VALUES)
        self.present[flat] = True
        self.q[flat] = q
        self.b[flat] = b

    def find(self, prev: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(indices of the pairs present, their cells)``, indices ascending."""
        cell = prev * self.v + cur
        idx = np.flatnonzero(self.present[cell])
        return idx, cell[idx]


def _stamp_of(z: Any) -> str:
    """The ``stamp`` entry of an opened binary model ("" if it has none)."""
    return str(z["stamp"]) if "stamp" in z.files else ""


def _fold_backoffs(
    m: NgramModel,
) -> tuple[dict[tuple[str, ...], float], dict[tuple[str, ...], float]]:
    """Per n-gram ``q`` and ``b`` such that kenlm's score is one lookup of each.

    ``b(g)`` is the sum of the back-offs of ``g`` and all its suffixes;
    ``q(g) = log p(g) - b(prefix of g)``. For a position whose longest match is
    ``g`` and whose longest found context is ``c``, kenlm adds to ``log p(g)``
    the back-offs of the contexts longer than ``g``'s prefix up to ``c``, which
    is ``b(c) - b(prefix of g)``: the score is ``q(g) + b(c)``.
    """
    b_of: dict[tuple[str, ...], float] = {(): 0.0}
    for table in m.ngrams:
        for g, (_, bo) in table.items():
            b_of[g] = bo + b_of.get(g[1:], 0.0)
    q_of = {g: lp - b_of.get(g[:-1], 0.0) for table in m.ngrams for g, (lp, _) in table.items()}
    return q_of, b_of


class State(NamedTuple):
    """Decoder state: the last ``order - 1`` characters, and whether ``<s>`` precedes them.

    Two hypotheses with equal states score every continuation identically, so
    a decoder may recombine them. (A named tuple: hashing and equality run in C,
    which matters when a decoder makes hundreds of thousands of them.)
    """

    context: str = ""
    bos: bool = True

    def extend(self, text: str, order: int) -> "State":
        keep = order - 1
        joined = self.context + text
        return State(joined[-keep:] if keep > 0 else "", self.bos and len(joined) < keep)


#: what a :class:`Forest` node holds: a character, ``<s>`` or ``</s>``
CHAR, BEGIN, END = 0, 1, 2


class Forest(NamedTuple):
    """Texts to score in one batch: one token per node, read after the path to it.

    Every continuation a decoder asks about hangs under one copy of its state's context
    (:meth:`of_continuations`), so a context is looked up once per step, not once per
    continuation (a beam of 8 hypotheses with 30 options each reads each context 30 times
    less). A batch of rows (:meth:`of_rows`) is the plain case: chains, each node's parent
    the node before it. Parents come before their children.
    """

    cp: np.ndarray  # uint32: each node's code point (0 at <s> and </s>)
    mark: np.ndarray  # int8: CHAR, BEGIN or END
    parent: np.ndarray  # int64: the node read just before this one; -1 at a root
    scored: np.ndarray  # bool: the nodes whose scores the caller reads

    @classmethod
    def of_rows(
        cls, rows: Sequence[str], bos: Sequence[bool], eos: bool
    ) -> tuple["Forest", np.ndarray, np.ndarray]:
        """Each row a chain (``<s>`` first where *bos* says, ``</s>`` last with *eos*), with
        the rows' first nodes and node counts. Every node but ``<s>`` is scored."""
        cp, mark, offs, total = _chains(rows, bos, eos)
        parent = np.arange(-1, len(cp) - 1, dtype=np.int64)
        parent[offs[total > 0]] = -1
        return cls(cp, mark, parent, mark != BEGIN), offs, total

    @classmethod
    def of_continuations(
        cls, states: Sequence[State], continuations: Sequence[str], eos: bool
    ) -> tuple["Forest", np.ndarray]:
        """One chain per distinct state (its ``<s>`` and context) and under it a chain per
        continuation (``</s>`` last with *eos*); with, per node, the index of the continuation
        it belongs to (-1 for the states' nodes). The continuations' nodes are scored."""
        distinct = list(dict.fromkeys(states))
        index = {s: i for i, s in enumerate(distinct)}
        which = np.fromiter(map(index.__getitem__, states), dtype=np.int64, count=len(states))
        c_cp, c_mark, c_offs, c_total = _chains(
            [s[0] for s in distinct], [s[1] for s in distinct], False
        )
        k_cp, k_mark, k_offs, k_total = _chains(continuations, [False] * len(continuations), eos)
        n = len(c_cp)
        parent = np.arange(-1, n + len(k_cp) - 1, dtype=np.int64)
        parent[c_offs[c_total > 0]] = -1
        last = np.where(c_total > 0, c_offs + c_total - 1, -1)
        go = k_total > 0
        parent[n + k_offs[go]] = last[which[go]]
        owner = np.concatenate(
            [np.full(n, -1, dtype=np.int64), np.repeat(np.arange(len(continuations)), k_total)]
        )
        cp, mark = np.concatenate([c_cp, k_cp]), np.concatenate([c_mark, k_mark])
        return cls(cp, mark, parent, owner >= 0), owner

    @classmethod
    def of_slots(
        cls, text: str, at: Sequence[int], options: str, counts: Sequence[int], width: int
    ) -> tuple["Forest", np.ndarray]:
        """For each position ``k`` of *at*: one chain for its left neighbours ``text[k - width :
        k]``, and under it a chain per option of ``k`` (the next ``counts[i]`` characters of
        *options*): the option, then the right neighbours ``text[k + 1 : k + 1 + width]``.
        With, per node, the index of the option it belongs to (-1 for the neighbours on the
        left). The options' nodes are scored. Built in array operations: no string per option.
        """
        if len(options) != sum(counts):
            raise ValueError("options must hold counts' sum of characters")
        src = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        k = np.asarray(at, dtype=np.int64)
        m = np.asarray(counts, dtype=np.int64)
        left = np.minimum(k, width)
        right = np.minimum(width, len(text) - 1 - k)
        size = left + m * (1 + right)
        off = np.zeros(len(k), dtype=np.int64)
        np.cumsum(size[:-1], out=off[1:])
        total = int(size.sum())
        cp = np.empty(total, dtype=np.uint32)
        parent = np.arange(-1, total - 1, dtype=np.int64)  # the node before, but where set below
        owner = np.full(total, -1, dtype=np.int64)
        # the left chains
        slot = np.repeat(np.arange(len(k)), left)
        pos = np.arange(len(slot)) - np.repeat(np.cumsum(left) - left, left)
        cp[off[slot] + pos] = src[k[slot] - left[slot] + pos]
        parent[off[left > 0]] = -1
        # each option under its slot's left chain
        slot = np.repeat(np.arange(len(k)), m)
        j = np.arange(len(slot)) - np.repeat(np.cumsum(m) - m, m)
        first = off[slot] + left[slot] + j * (1 + right[slot])
        cp[first] = np.frombuffer(options.encode("utf-32-le"), dtype=np.uint32)
        parent[first] = np.where(left[slot] > 0, off[slot] + left[slot] - 1, -1)
        owner[first] = np.arange(len(slot))
        # and its right neighbours after it
        tail = right[slot]
        which = np.repeat(np.arange(len(slot)), tail)
        pos = np.arange(len(which)) - np.repeat(np.cumsum(tail) - tail, tail)
        cp[first[which] + 1 + pos] = src[k[slot[which]] + 1 + pos]
        owner[first[which] + 1 + pos] = which
        mark = np.zeros(total, dtype=np.int8)
        return cls(cp, mark, parent, owner >= 0), owner


def _chains(
    rows: Sequence[str], bos: Sequence[bool], eos: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows' tokens end to end: ``(code points, marks, row offsets, row lengths)``.

    Rows are joined into one string with a placeholder character where ``<s>``/``</s>`` go;
    the marks say which positions they are, so any character a row itself contains is
    harmless.
    """
    if len(rows) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int8), empty, empty
    pre = np.asarray(bos, dtype=np.int64)
    end = "\x00" if eos else ""
    if pre.all():
        joined = "\x00" + (end + "\x00").join(rows) + end
    elif not pre.any():
        joined = end.join(rows) + end
    else:
        joined = "".join(("\x00" if b else "") + r + end for b, r in zip(bos, rows))
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    total = lens + pre + (1 if eos else 0)
    offs = np.zeros(len(rows), dtype=np.int64)
    np.cumsum(total[:-1], out=offs[1:])
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    mark = np.zeros(len(cp), dtype=np.int8)
    mark[offs[pre == 1]] = BEGIN
    if eos:
        mark[offs + total - 1] = END
    return cp, mark, offs, total


class Scorer:
    """The scoring surface the search layer needs (kenlm's ``score``, ``State``,
    ``BeginSentenceWrite``).

    Subclasses provide :attr:`order` and :meth:`_node_scores`; the rest is
    shared by :class:`Model` and the scorers that combine models.
    """

    order: int

    def _node_scores(self, forest: Forest) -> np.ndarray:
        """log10 p(token | the path to it) of every node (a fresh array the caller may keep)."""
        raise NotImplementedError

    def _score_rows(self, rows: Sequence[str], bos: Sequence[bool], eos: bool) -> np.ndarray:
        """Sum of the scores of each row's tokens (``<s>`` not counted)."""
        forest, offs, total = Forest.of_rows(rows, bos, eos)
        pos = np.where(forest.scored, self._node_scores(forest), 0.0)
        cum = np.zeros(len(pos) + 1)
        np.cumsum(pos, out=cum[1:])
        return cum[offs + total] - cum[offs]

    def score(self, texts: Sequence[str], bos: bool = True, eos: bool = True) -> np.ndarray:
        """Total log10 probability of each text (every character a token)."""
        if isinstance(texts, str):
            raise TypeError(
                f"{type(self).__name__}.score takes a sequence of strings; use score_one() for a "
                f"single string"
            )
        if len(texts) == 0:
            return np.zeros(0)
        return self._score_rows(texts, [bos] * len(texts), eos)

    def score_one(self, text: str, bos: bool = True, eos: bool = True) -> float:
        return float(self.score([text], bos=bos, eos=eos)[0])

    # ------------------------------------------------------------------ decoder API
    def begin_state(self) -> State:
        """State at the start of a text (after ``<s>``), like kenlm's BeginSentenceWrite."""
        return State("", True)

    def null_state(self) -> State:
        """Empty context without ``<s>``, like kenlm's NullContextWrite."""
        return State("", False)

    def recombination_key(self, state: State) -> object:
        """What a decoder may recombine hypotheses on: two with the same key are treated as
        scoring every continuation alike (here: the state itself, which is exact)."""
        return state

    def score_continuations(
        self, states: Sequence[State], continuations: Sequence[str], eos: bool = False
    ) -> np.ndarray:
        """log10 p(continuation | state) for each pair, in one batch.

        With ``eos`` the end-of-sentence token is scored after the continuation.
        Use :meth:`State.extend` (with :attr:`order`) for the state that follows.
        """
        if len(states) != len(continuations):
            raise ValueError("states and continuations must have the same length")
        if len(states) == 0:
            return np.zeros(0)
        forest, owner = Forest.of_continuations(states, continuations, eos)
        return self._owned_sums(forest, owner, len(states))

    def score_options(
        self, text: str, at: Sequence[int], options: str, counts: Sequence[int], width: int
    ) -> np.ndarray:
        """log10 p(option + right neighbours | left neighbours) of every one-character option
        at each position ``k`` of *at* in *text*: ``counts[i]`` options, the next characters
        of *options*; *width* neighbours either side (fewer at the text's ends), read
        without ``<s>`` or ``</s>``. The same numbers as :meth:`score_continuations` with
        ``State(text[k - width : k], False)`` and ``option + text[k + 1 : k + 1 + width]``,
        without a string per option (:meth:`Forest.of_slots`)."""
        if len(at) != len(counts):
            raise ValueError("at and counts must have the same length")
        if len(options) == 0:
            return np.zeros(0)
        forest, owner = Forest.of_slots(text, at, options, counts, width)
        return self._owned_sums(forest, owner, len(options))

    def _owned_sums(self, forest: Forest, owner: np.ndarray, n: int) -> np.ndarray:
        """Per owner ``0..n-1``: the sum of its scored nodes' scores, in node order."""
        at = np.flatnonzero(forest.scored)
        scores = np.bincount(owner[at], self._node_scores(forest)[at], minlength=n)
        return scores.astype(np.float64, copy=False)  # integer when every continuation is empty


class Model(Scorer):
    """A character n-gram model loaded from ARPA (or its binary form, ``.npz``) into numpy
    arrays."""

    #: score with the compiled inner loop where it was built (False: the numpy version, the
    #: reference it is tested against)
    compiled: bool = True
    #: the model's arrays as the compiled loop reads them (made on its first call; the same
    #: arrays where their types already are the loop's)
    _kernel_model: (
        tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]
        | None
    ) = None

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        ngram_model: NgramModel | None = None,
        dense_bigrams: bool = True,
    ):
        #: with False, bigrams are only hashed, never also a dense V x V array (for small,
        #: short-lived models)
        self.dense_bigrams = dense_bigrams
        if ngram_model is None:
            if path is None:
                raise ModelError("Model needs a path or an NgramModel")
            if str(path).endswith(".npz"):
                self._load_binary(Path(path))
                return
            ngram_model = read_arpa(path)
        self.path: Path | None = Path(path) if path is not None else None
        #: what built the model, when its build says (:meth:`save` keeps it; "" otherwise)
        self.stamp = ""
        self.order: int = ngram_model.order
        # tuples, not lists: a tuple of strings drops out of the garbage collector's full
        # passes, which walk a list's every item (half a million here) each time
        self._long_ngrams = tuple(
            "".join(g)
            for table in ngram_model.ngrams[2:]
            for g in table
            if all(len(w) == 1 for w in g)
        )
        #: the character bigrams of the training text (both tokens single characters)
        self.bigrams: tuple[str, ...] = (
            tuple("".join(g) for g in ngram_model.ngrams[1] if all(len(w) == 1 for w in g))
            if ngram_model.order >= 2
            else ()
        )
        self._build(ngram_model)

    _long_ngrams: tuple[str, ...] | None
    #: a binary model's long n-grams as saved, until :attr:`long_ngrams` is first asked for
    _long_ngrams_packed: np.ndarray

    @property
    def long_ngrams(self) -> tuple[str, ...]:
        """The n-grams of order >= 3 as strings (every context the training text showed).

        A binary model keeps them packed until they are first asked for: the general model's
        half a million are never needed, and as Python strings they would take ~40 MB in every
        worker.
        """
        if self._long_ngrams is None:
            self._long_ngrams = tuple(self._long_ngrams_packed.tolist())
            self._long_ngrams_packed = np.empty(0, dtype="<U4")
        return self._long_ngrams

    # ------------------------------------------------------------------ loading
    def _build(self, m: NgramModel) -> None:
        vocab: dict[str, int] = {UNK: UNK_ID, BOS: BOS_ID, EOS: EOS_ID}
        for (w,) in sorted(m.ngrams[0]):
            if w not in vocab:
                vocab[w] = len(vocab)
        self._set_vocab(vocab)
        q_of, b_of = _fold_backoffs(m)
        self._uni_q = np.zeros(len(vocab), dtype=np.float64)
        self._uni_b = np.zeros(len(vocab), dtype=np.float64)
        self._tables: list[_HashTable] = []
        self._dense2: _DenseBigrams | None = None
        for n, table in enumerate(m.ngrams, start=1):
            ids = np.empty((len(table), n), dtype=np.int64)
            for k, g in enumerate(table):
                try:
                    ids[k] = [vocab[w] for w in g]
                except KeyError as exc:
                    raise ModelError(
                        f"{self.path}: {n}-gram {' '.join(g)!r} uses {exc} missing from the "
                        f"unigrams"
                    ) from None
            q = np.fromiter((q_of[g] for g in table), dtype=np.float64, count=len(table))
            b = np.fromiter((b_of[g] for g in table), dtype=np.float64, count=len(table))
            if n == 1:
                self._uni_q[ids[:, 0]] = q
                self._uni_b[ids[:, 0]] = b if self.order > 1 else 0.0
                continue
            if n == 2 and self.dense_bigrams and len(vocab) ** 2 <= DENSE_BIGRAMS_MAX:
                self._dense2 = _DenseBigrams(len(vocab), ids, q, b)
            h = np.zeros(len(table), dtype=np.uint64)
            for j in range(n):
                h = _hash_step(h, ids[:, j])
            if len(np.unique(h)) != len(h):
                raise ModelError(f"hash collision among the {n}-grams of {self.path}; cannot load")
            self._tables.append(_HashTable(h, q, b))
        self.unk_logprob = float(m.ngrams[0][(UNK,)][0])

    # ------------------------------------------------------------------ binary form
    def save(self, path: str | Path, compress: bool = True) -> None:
        """Write the loaded arrays as ``.npz`` (kenlm's ``build_binary``), compressed unless
        *compress* is false (a cache copy: larger, but read without inflating it).

        Loading it skips ARPA parsing: 0.5 s and 210 MB peak for the general
        model against 4.8 s and 580 MB. Bigrams come back hashed, never dense.
        """
        arrays: dict[str, Any] = {
            "order": np.array(self.order),
            "vocab": np.array(sorted(self.vocab, key=self.vocab.__getitem__)),
            "uni_q": self._uni_q,
            "uni_b": self._uni_b,
            "unk_logprob": np.array(self.unk_logprob),
            "bigrams": np.array(self.bigrams),
            "long_ngrams": (
                np.array(self._long_ngrams)
                if self._long_ngrams is not None
                else self._long_ngrams_packed
            ),
        }
        if self.stamp:
            arrays["stamp"] = np.array(self.stamp)
        for n, t in enumerate(self._tables, start=2):
            arrays |= {f"keys{n}": t.keys, f"q{n}": t.q, f"b{n}": t.b}
        with open(path, "wb") as f:
            (np.savez_compressed if compress else np.savez)(f, **arrays)

    @staticmethod
    def read_stamp(path: str | Path) -> str:
        """The :attr:`stamp` of the binary model at *path* without loading it ("" if it has
        none or cannot be read)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                return _stamp_of(z)
        except (OSError, ValueError):
            return ""

    def _load_binary(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as z:
                self.order = int(z["order"])
                self.stamp = _stamp_of(z)
                words = [str(w) for w in z["vocab"]]
                self._uni_q, self._uni_b = z["uni_q"], z["uni_b"]
                self.unk_logprob = float(z["unk_logprob"])
                self.bigrams = tuple(z["bigrams"].tolist())
                self._long_ngrams = None
                self._long_ngrams_packed = z["long_ngrams"]
                self._tables = [
                    _HashTable.from_slots(z[f"keys{n}"], z[f"q{n}"], z[f"b{n}"])
                    for n in range(2, self.order + 1)
                ]
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path} is not a binary textrepair model: {exc}") from None
        if words[:3] != [UNK, BOS, EOS] or len(words) != len(self._uni_q):
            raise ModelError(f"{path}: malformed vocabulary")
        self.path = path
        self._dense2 = None
        self._set_vocab({w: i for i, w in enumerate(words)})

    def _set_vocab(self, vocab: dict[str, int]) -> None:
        """Token ids, and the dense code point -> id table for single-character tokens."""
        self.vocab = vocab
        cps = [ord(w) for w in vocab if len(w) == 1]
        self._cp_table = np.zeros(max(cps, default=0) + 2, dtype=np.int64)
        for w, i in vocab.items():
            if len(w) == 1:
                self._cp_table[ord(w)] = i

    # ------------------------------------------------------------------ ids
    def _ids(self, forest: Forest) -> np.ndarray:
        """Token ids of the nodes (unknown characters -> ``<unk>``)."""
        tok = self._cp_table[np.minimum(forest.cp, np.uint32(len(self._cp_table) - 1))]
        tok[forest.mark == BEGIN] = BOS_ID
        tok[forest.mark == END] = EOS_ID
        return tok

    def __contains__(self, ch: str) -> bool:
        return ch in self.vocab

    # ------------------------------------------------------------------ scoring
    def _node_scores(self, forest: Forest) -> np.ndarray:
        return self._node_scores_matched(forest)[0]

    def _node_scores_matched(self, forest: Forest) -> tuple[np.ndarray, np.ndarray]:
        """Per node: log10 p(token | the path to it) and the matched n-gram order.

        With back-offs folded into the tables (:func:`_fold_backoffs`) kenlm's score at
        node ``t`` is ``q(longest n-gram found ending at t)`` plus ``b(longest context found
        ending at t's parent)``. Orders >= 2 work on compacted arrays: ``found`` holds the
        nodes where an n-gram was found and ``hashes`` their hashes; order ``n`` is probed
        at a node only where the (n-1)-grams ending at it and at its parent were both found.
        """
        if _kernel is not None and self.compiled and self.order <= KERNEL_MAX_ORDER:
            return self._compiled_scores(forest)
        N = self.order
        tok = self._ids(forest)
        parent = forest.parent
        q = self._uni_q[tok]  # unigrams are always found (<unk> included)
        ctx = self._uni_b[tok]  # b of the longest n-gram (order < N) found ending here
        longest = np.ones(len(tok), dtype=np.int8)
        tok_p1 = tok.astype(np.uint64) + np.uint64(1)
        found = np.flatnonzero(parent >= 0)  # bigram candidates: every node with a parent
        hashes = tok_p1[parent[found]]
        hashed = np.zeros(len(tok), dtype=np.uint64)  # the last order's hash at its nodes
        for n in range(2, N + 1):
            if n > 2:
                hashed[found] = hashes
                up = parent[found]
                ok = longest[up] == n - 1
                found, hashes = found[ok], hashed[up[ok]]
            if found.size == 0:
                break
            table: _HashTable | _DenseBigrams
            if n == 2 and self._dense2 is not None:
                table = self._dense2
                hit, slot = table.find(tok[parent[found]], tok[found])
                found = found[hit]
                hashes = _hash_step_p1(hashes[hit], tok_p1[found])
            else:
                hk = _hash_step_p1(hashes, tok_p1[found])
                table = self._tables[n - 2]
                hit, slot = table.find(hk)  # type: ignore[call-arg]
                found, hashes = found[hit], hk[hit]
            q[found] = table.q[slot]
            longest[found] = n
            if n < N:
                ctx[found] = table.b[slot]
        inner = np.flatnonzero(parent >= 0)
        q[inner] += ctx[parent[inner]]
        return q, longest

    def _compiled_scores(self, forest: Forest) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_node_scores_matched` by the compiled loop (``_kernel.c``): node by node, the
        same lookups and the same numbers."""
        if self._kernel_model is None:  # the model's arrays in the types the loop reads
            self._kernel_model = (
                np.ascontiguousarray(self._cp_table, dtype=np.int64),
                np.ascontiguousarray(self._uni_q, dtype=np.float64),
                np.ascontiguousarray(self._uni_b, dtype=np.float64),
                [
                    (
                        np.ascontiguousarray(t.keys, dtype=np.uint64),
                        np.ascontiguousarray(t.q, dtype=np.float32),
                        np.ascontiguousarray(t.b, dtype=np.float32),
                    )
                    for t in self._tables
                ],
            )
        q = np.empty(len(forest.cp), dtype=np.float64)
        longest = np.empty(len(forest.cp), dtype=np.int8)
        _kernel.node_scores(
            np.ascontiguousarray(forest.cp, dtype=np.uint32),
            np.ascontiguousarray(forest.mark, dtype=np.int8),
            np.ascontiguousarray(forest.parent, dtype=np.int64),
            *self._kernel_model,
            q,
            longest,
        )
        return q, longest

    def matched_orders(self, text: str) -> np.ndarray:
        """Per character of *text* (read without ``<s>``): the order of the longest n-gram
        ending at it that the model holds."""
        forest, _, _ = Forest.of_rows([text], [False], False)
        return self._node_scores_matched(forest)[1]

    def full_scores(
        self, text: str, bos: bool = True, eos: bool = True
    ) -> list[tuple[float, int, bool]]:
        """Per-token ``(log10 prob, matched n-gram length, is_oov)`` like kenlm's."""
        forest, _, total = Forest.of_rows([text], [bos], eos)
        pos, longest = self._node_scores_matched(forest)
        tok = self._ids(forest)
        return [
            (float(pos[t]), int(longest[t]), bool(tok[t] == UNK_ID))
            for t in range(int(bos), int(total[0]))
        ]

    def perplexity(self, units: Sequence[str]) -> float:
        """Per-token perplexity over *units* (``</s>`` counted, ``<s>`` not)."""
        total = float(self.score(list(units)).sum())
        tokens = sum(len(u) + 1 for u in units)
        return 10 ** (-total / max(tokens, 1))


class Interpolated(Scorer):
    """Linear interpolation of two character models, token by token::

        p(w | h) = (1 - weight) * p_first(w | h) + weight * p_second(w | h)

    States are text (the last characters read), so both models follow the same
    one; its length is the larger order's. Vocabulary questions (``in``) go to
    *first*, the model whose characters a corrector may propose.
    """

    def __init__(self, first: Model, second: Model, weight: float):
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"interpolation weight must lie in [0, 1] (got {weight})")
        self.first, self.second, self.weight = first, second, weight
        self.order = max(first.order, second.order)

    def __contains__(self, ch: str) -> bool:
        return ch in self.first

    def _node_scores(self, forest: Forest) -> np.ndarray:
        return _mix(self.first._node_scores(forest), self.second._node_scores(forest), self.weight)


def _mix(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """log10((1-w) 10^a + w 10^b), stably."""
    hi = np.maximum(a, b)
    return hi + np.log10((1.0 - weight) * 10.0 ** (a - hi) + weight * 10.0 ** (b - hi))


class Cached(Scorer):
    """A scorer with a cache model mixed in only where the cache has seen the context.

    At a position whose longest n-gram the *cache* model found is of order
    *min_order* or more, ``p = (1 - weight) p_base + weight p_cache``; elsewhere
    ``p = p_base``. A small cache (one document's repeated n-grams) thus speaks
    where it has evidence and keeps its smoothing mass, peaked on the
    document's own characters, out of everything else. The result is not a
    normalised distribution; it is meant for comparing readings of one text.
    """

    def __init__(self, base: Scorer, cache: Model, weight: float, min_order: int = 2):
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"cache weight must lie in [0, 1] (got {weight})")
        self.base, self.cache, self.weight, self.min_order = base, cache, weight, min_order
        self.order = max(base.order, cache.order)

    def __contains__(self, ch: str) -> bool:
        return ch in self.base  # type: ignore[operator]

    def _node_scores(self, forest: Forest) -> np.ndarray:
        a = self.base._node_scores(forest)
        b, longest = self.cache._node_scores_matched(forest)
        at = np.flatnonzero(longest >= self.min_order)  # few: mixed there only
        a[at] = _mix(a[at], b[at], self.weight)
        return a
