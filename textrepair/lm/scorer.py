"""A numpy n-gram scorer: an ARPA model in arrays, scoring batches of strings at once.

Every character is a token. The numbers are kenlm's: for each position the
longest n-gram present in the model gives the probability, and the back-off
weights of the longer contexts that were not matched are added, exactly as
``kenlm.Model.score(" ".join(text), bos=True, eos=True)`` does.

Layout: per order ``n`` a sorted ``uint64`` array of n-gram hashes with the
matching log10 probabilities and back-offs. A batch of strings becomes a
``(batch, length)`` id matrix; the hash of every n-gram ending at every position
is computed with a rolling multiply-add over the whole matrix, looked up with
one ``searchsorted`` per order, and the back-off sums come from a reverse
cumulative sum over the order axis. Nothing loops over strings in Python.

The surface mirrors kenlm's Python module: :meth:`Model.score`,
:meth:`Model.full_scores`, :class:`State` with :meth:`Model.begin_state` /
:meth:`Model.null_state` and :meth:`Model.score_continuations` for decoders
that extend many hypotheses at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .arpa import read_arpa
from .train import BOS, EOS, UNK, NgramModel

UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
_PAD = -1
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio)


def _hash_step(h: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rolling hash: fold one more (newer) token into ``h``. Wraps mod 2**64."""
    with np.errstate(over="ignore"):
        return h * _MULT + (ids.astype(np.uint64) + np.uint64(1))


@dataclass(frozen=True)
class State:
    """Decoder state: the last ``order - 1`` characters, and whether ``<s>`` precedes them.

    Two hypotheses with equal states score every continuation identically, so
    a decoder may recombine them.
    """

    context: str = ""
    bos: bool = True

    def extend(self, text: str, order: int) -> "State":
        keep = order - 1
        ctx = (self.context + text)[-keep:] if keep > 0 else ""
        bos = self.bos and len(self.context) + len(text) < keep
        return State(ctx, bos)


class Model:
    """A character n-gram model loaded from ARPA into numpy arrays."""

    def __init__(self, path: str | Path | None = None, *, ngram_model: NgramModel | None = None):
        if ngram_model is None:
            if path is None:
                raise ModelError("Model needs a path or an NgramModel")
            ngram_model = read_arpa(path)
        self.path: Path | None = Path(path) if path is not None else None
        self.order: int = ngram_model.order
        self._build(ngram_model)

    # ------------------------------------------------------------------ loading
    def _build(self, m: NgramModel) -> None:
        vocab: dict[str, int] = {UNK: UNK_ID, BOS: BOS_ID, EOS: EOS_ID}
        for (w,) in sorted(m.ngrams[0]):
            if w not in vocab:
                vocab[w] = len(vocab)
        self.vocab = vocab
        # dense code point -> id table for single-character tokens
        cps = [ord(w) for w in vocab if len(w) == 1]
        self._cp_table = np.zeros(max(cps, default=0) + 2, dtype=np.int32)
        for w, i in vocab.items():
            if len(w) == 1:
                self._cp_table[ord(w)] = i
        self._keys: list[np.ndarray] = []
        self._prob: list[np.ndarray] = []
        self._bo: list[np.ndarray] = []
        for n, table in enumerate(m.ngrams, start=1):
            ids = np.empty((len(table), n), dtype=np.int64)
            prob = np.empty(len(table), dtype=np.float64)
            bo = np.empty(len(table), dtype=np.float64)
            for k, (g, (lp, b)) in enumerate(table.items()):
                try:
                    ids[k] = [vocab[w] for w in g]
                except KeyError as exc:
                    raise ModelError(f"{self.path}: {n}-gram {' '.join(g)!r} uses {exc} missing from the unigrams") from None
                prob[k] = lp
                bo[k] = b
            h = np.zeros(len(table), dtype=np.uint64)
            for j in range(n):
                h = _hash_step(h, ids[:, j])
            order_idx = np.argsort(h)
            h = h[order_idx]
            if len(h) > 1 and np.any(h[1:] == h[:-1]):
                raise ModelError(f"hash collision among the {n}-grams of {self.path}; cannot load")
            self._keys.append(h)
            self._prob.append(prob[order_idx])
            self._bo.append(bo[order_idx])
        self.unk_logprob = float(m.ngrams[0][(UNK,)][0])

    # ------------------------------------------------------------------ ids
    def ids(self, text: str) -> np.ndarray:
        """Token ids of the characters of *text* (unknown characters -> ``<unk>``)."""
        cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        cp = np.minimum(cp, len(self._cp_table) - 1)
        return self._cp_table[cp].astype(np.int64)

    def __contains__(self, ch: str) -> bool:
        return ch in self.vocab

    def _matrix(self, rows: Sequence[str], prefix_bos: Sequence[bool], eos: bool) -> tuple[np.ndarray, np.ndarray]:
        lens = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        pre = np.asarray(prefix_bos, dtype=np.int64)
        total = lens + pre + (1 if eos else 0)
        width = int(total.max(initial=1))
        X = np.full((len(rows), width), _PAD, dtype=np.int64)
        X[pre.astype(bool), 0] = BOS_ID
        if eos:
            X[np.arange(len(rows)), total - 1] = EOS_ID
        cols = np.arange(width)
        body = (cols[None, :] >= pre[:, None]) & (cols[None, :] < (pre + lens)[:, None])
        X[body] = self.ids("".join(rows))
        return X, total

    # ------------------------------------------------------------------ scoring
    def _position_scores(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per cell of *X*: log10 p(token | context) and the matched n-gram order.

        Pad cells hold garbage; callers mask them.
        """
        B, T = X.shape
        N = self.order
        valid_tok = X != _PAD
        tok = np.where(valid_tok, X, 0)
        h = np.zeros((B, T), dtype=np.uint64)
        ok = valid_tok.copy()
        prob = np.zeros((B, T), dtype=np.float64)
        longest = np.zeros((B, T), dtype=np.int64)
        bo = np.zeros((N, B, T), dtype=np.float64)  # bo[n]: back-off of the n-gram ending here
        for n in range(1, N + 1):
            if n > 1:
                # extend every (n-1)-gram ending at t-1 by the token at t
                h[:, 1:] = h[:, :-1]
                h[:, 0] = 0
                ok[:, 1:] &= ok[:, :-1].copy()
                ok[:, 0] = False
            h = _hash_step(h, tok)
            keys = self._keys[n - 1]
            if len(keys) == 0 or not ok.any():
                break
            idx = np.minimum(np.searchsorted(keys, h), len(keys) - 1)
            found = ok & (keys[idx] == h)
            if not found.any():
                break
            prob = np.where(found, self._prob[n - 1][idx], prob)  # longest match wins
            longest = np.where(found, n, longest)
            if n < N:
                bo[n] = np.where(found, self._bo[n - 1][idx], 0.0)
        # back-offs of the contexts longer than the match: contexts end at t-1 and
        # have lengths longest..N-1, so add S[longest][t-1], S[j] = sum_{k>=j} bo[k]
        S = np.cumsum(bo[::-1], axis=0)[::-1]
        Sprev = np.zeros_like(S)
        Sprev[:, :, 1:] = S[:, :, :-1]
        add = np.take_along_axis(Sprev, np.minimum(longest, N - 1)[None], axis=0)[0]
        add = np.where(longest >= N, 0.0, add)
        return prob + add, longest

    def _sum_scores(self, X: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        pos, _ = self._position_scores(X)
        cols = np.arange(X.shape[1])[None, :]
        mask = (cols >= start[:, None]) & (cols < stop[:, None])
        return np.where(mask, pos, 0.0).sum(axis=1)

    def score(self, texts: Sequence[str], bos: bool = True, eos: bool = True) -> np.ndarray:
        """Total log10 probability of each text (every character a token)."""
        if isinstance(texts, str):
            raise TypeError("Model.score takes a sequence of strings; use score_one() for a single string")
        if len(texts) == 0:
            return np.zeros(0)
        X, total = self._matrix(texts, [bos] * len(texts), eos)
        start = np.full(len(texts), 1 if bos else 0)
        return self._sum_scores(X, start, total)

    def score_one(self, text: str, bos: bool = True, eos: bool = True) -> float:
        return float(self.score([text], bos=bos, eos=eos)[0])

    def full_scores(self, text: str, bos: bool = True, eos: bool = True) -> list[tuple[float, int, bool]]:
        """Per-token ``(log10 prob, matched n-gram length, is_oov)`` like kenlm's."""
        X, total = self._matrix([text], [bos], eos)
        pos, longest = self._position_scores(X)
        start, stop = (1 if bos else 0), int(total[0])
        return [
            (float(pos[0, t]), int(longest[0, t]), bool(X[0, t] == UNK_ID)) for t in range(start, stop)
        ]

    # ------------------------------------------------------------------ decoder API
    def begin_state(self) -> State:
        """State at the start of a text (after ``<s>``), like kenlm's BeginSentenceWrite."""
        return State("", True)

    def null_state(self) -> State:
        """Empty context without ``<s>``, like kenlm's NullContextWrite."""
        return State("", False)

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
        rows = [s.context + c for s, c in zip(states, continuations)]
        pre = [s.bos for s in states]
        X, total = self._matrix(rows, pre, eos)
        start = np.fromiter((int(s.bos) + len(s.context) for s in states), dtype=np.int64, count=len(states))
        return self._sum_scores(X, start, total)

    def perplexity(self, units: Sequence[str]) -> float:
        """Per-token perplexity over *units* (``</s>`` counted, ``<s>`` not)."""
        total = float(self.score(list(units)).sum())
        tokens = sum(len(u) + 1 for u in units)
        return 10 ** (-total / max(tokens, 1))
