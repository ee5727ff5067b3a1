"""General usage as a word n-gram: what people write around a character, beyond the drafts.

The glyph corrector weighs each replacement by how much likelier general usage
finds the clause with it than as read. The strongest general source this project
can reach is the word trigram model of fcitx5's pinyin input method (libime),
which Debian ships as the package ``libime-data-language-model``: a KenLM binary
(``zh_CN.lm``, 17 MB) over a vocabulary of Chinese words, trained on general text
and packaged in November 2022 (LGPL-2.1+). KenLM's own Python module (``kenlm``,
already a dependency) queries it.

A character string has no word boundaries, so :meth:`WordNgram.logprob` scores the
most probable segmentation: a Viterbi search over every split into words of the
model's vocabulary (single characters always allowed, unknown ones scored as
``<unk>``), with the n-gram state carried along and hypotheses that reach the same
state recombined.

Where the model lives: ``$TEXTREPAIR_WORD_LM`` if set, else ``zh_CN.lm`` in the data
home (:func:`textrepair.resources.data_home`), where ``textrepair fetch`` extracts
it from the Debian package (downloaded over HTTP and unpacked in Python, pinned by
SHA-256: :mod:`textrepair.build.wordlm`). Without it the corrector warns and falls
back to jieba's unigram dictionary (:class:`textrepair.usage.GeneralWords`).
"""

from __future__ import annotations

import heapq
import math
import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from ..errors import ModelError
from ..resources import word_lm_path
from ..search import BEAM as _SEARCH_BEAM
from .scorer import _kernel

#: the longest suffix the compiled search reads (it recurses once per character; the corrector
#: and the restorer ask for a few)
KERNEL_MAX_SUFFIX = 256
#: the Debian package it comes from (:mod:`textrepair.build.wordlm` pins the version)
PACKAGE = "libime-data-language-model"
ENV = "TEXTREPAIR_WORD_LM"
#: longest word tried when segmenting (the vocabulary's idioms and most terms fit)
MAX_WORD = 4
#: hypotheses expanded per position of the segmentation search
BEAM = _SEARCH_BEAM


class UsageModel(Protocol):
    """What the glyph corrector asks of general usage: log10 P of short character strings."""

    def logprob(self, text: str, bos: bool = False, eos: bool = False) -> float: ...

    def logprob_many(
        self, prefix: str, middles: Sequence[str], suffix: str, bos: bool = False, eos: bool = False
    ) -> list[float]:
        """``logprob(prefix + middle + suffix)`` for each of *middles* (an implementation may share
        work)."""
        ...


class WordNgram:
    """A KenLM word n-gram queried over the best segmentation of a character string.

    *bos* / *eos* say that the text starts / ends a clause (the model's ``<s>`` and
    ``</s>``); otherwise it is scored from a null context, as a piece of a longer text.
    """

    #: search with the compiled loop where it was built (``_kernel.c``; False: the Python
    #: version, its reference)
    compiled: bool = True

    def __init__(self, path: str | Path, max_word: int = MAX_WORD, beam: int = BEAM) -> None:
        import kenlm

        try:
            self._model = kenlm.Model(str(path))
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"cannot load the word model {path}: {exc}") from None
        self._state = kenlm.State
        self.path = Path(path)
        self.order: int = self._model.order
        self.max_word = max_word
        self.beam = beam

    def __contains__(self, word: str) -> bool:
        return word in self._model

    def logprob(self, text: str, bos: bool = False, eos: bool = False) -> float:
        """log10 P of *text*'s most probable segmentation into the model's words."""
        return self.logprob_many("", [text], "", bos, eos)[0]

    def logprob_many(
        self, prefix: str, middles: Sequence[str], suffix: str, bos: bool = False, eos: bool = False
    ) -> list[float]:
        """:meth:`logprob` of ``prefix + middle + suffix`` for each of *middles*, sharing work.

        The Viterbi frontier over *prefix* (words that end inside it) is searched once.
        For each middle only the words that start before its end are searched there;
        what is best from a word boundary in *suffix* on, given the n-gram state that
        reached it, is the same for every middle, so it is worked out once per
        (state, boundary) and reused (:meth:`_completion`: an exact search of the
        suffix, with no beam to lose a hypothesis to). So a score is at least the beam
        search's over the same text, and equal wherever the beam loses nothing (on
        windows of a few characters, as the corrector asks, always in practice).
        """
        start = self._state()
        (self._model.BeginSentenceWrite if bos else self._model.NullContextWrite)(start)
        if _kernel is not None and self.compiled and len(suffix) <= KERNEL_MAX_SUFFIX:
            # the same search, step for step, in C
            return _kernel.word_logprob_many(
                self._model, self._state, start, prefix, list(middles), suffix, eos,
                self.max_word, self.beam,
            )  # fmt: skip
        p = len(prefix)
        shared: list[dict[object, float]] = [{} for _ in range(p + 1)]
        shared[0][start] = 0.0
        for i in range(p):
            self._expand(shared, prefix, i, i + 1, p)
        best: dict[tuple[object, int], float] = {}  # (state, offset into suffix) -> completion
        out = []
        for middle in middles:
            text = prefix + middle + suffix
            n, q = len(text), p + len(middle)
            frontier = shared + [{} for _ in range(n - p)]  # positions <= p are read, never written
            for i in range(max(0, p - self.max_word + 1), p):
                self._expand(frontier, text, i, p + 1, n)  # words that cross into the middle
            for i in range(p, q):
                self._expand(frontier, text, i, i + 1, n)  # words that start inside it
            # every segmentation enters the suffix at one boundary j >= q, reached above
            out.append(
                max(
                    score + self._completion(best, state, suffix, j - q, eos)
                    for j in range(q, n + 1)
                    for state, score in frontier[j].items()
                )
            )
        return out

    def _completion(
        self, best: dict[tuple[object, int], float], state: object, suffix: str, r: int, eos: bool
    ) -> float:
        """log10 P of the best segmentation of ``suffix[r:]`` (then ``</s>`` if *eos*) after
        *state*, memoised in *best* (an explicit stack: a suffix of any length)."""
        known = best.get((state, r))
        if known is not None:  # most calls: the middles' states meet again after a word or two
            return known
        m, State = self._model, self._state
        expanded: dict[tuple[object, int], list[tuple[float, tuple[object, int]]]] = {}
        stack = [(state, r)]
        while stack:
            key = stack[-1]
            if key in best:
                stack.pop()
                continue
            at, pos = key
            if pos == len(suffix):
                best[key] = m.BaseScore(at, "</s>", State()) if eos else 0.0
                stack.pop()
                continue
            words = expanded.get(key)
            if words is None:  # first visit: score the words that start here, then their ends
                words = expanded[key] = []
                for j in range(pos + 1, min(len(suffix), pos + self.max_word) + 1):
                    word = suffix[pos:j]
                    if j > pos + 1 and word not in m:
                        continue
                    after = State()
                    words.append((m.BaseScore(at, word, after), (after, j)))
                missing = [end for _, end in words if end not in best]
                if missing:
                    stack.extend(missing)
                    continue
            best[key] = max(score + best[end] for score, end in words)
            stack.pop()
        return best[state, r]

    def _expand(
        self, frontier: list[dict[object, float]], text: str, i: int, first_end: int, last_end: int
    ) -> None:
        """Extend the best states at position *i* by the words ``text[i:j]``, *first_end* <= j <=
        *last_end*."""
        here = frontier[i]
        if not here:
            return
        m, State, base_score = self._model, self._state, self._model.BaseScore
        expand = (
            here.items()
            if len(here) <= self.beam
            else heapq.nlargest(self.beam, here.items(), key=itemgetter(1))
        )
        for j in range(first_end, min(last_end, i + self.max_word) + 1):
            word = text[i:j]
            if j > i + 1 and word not in m:
                continue
            reached = frontier[j]
            for state, score in expand:
                out = State()
                total = score + base_score(state, word, out)
                if total > reached.get(out, -math.inf):
                    reached[out] = total


def find_word_model() -> Path | None:
    """``$TEXTREPAIR_WORD_LM`` if set, else ``zh_CN.lm`` in the data home; None if that file
    does not exist."""
    path = Path(os.environ.get(ENV) or word_lm_path())
    return path if path.exists() else None


@lru_cache(maxsize=1)
def load_word_model() -> WordNgram | None:
    """The general word model, or None with a warning naming ``textrepair fetch`` when it is
    not there."""
    path = find_word_model()
    if path is None:
        where = os.environ.get(ENV) or word_lm_path()
        warnings.warn(
            f"the general word model is missing ({where}); OCR repair weighs usage with jieba's "
            "unigram dictionary instead, and dropped text is decoded once, without it. Get it "
            "with `textrepair fetch`.",
            stacklevel=2,
        )
        return None
    return WordNgram(path)
