"""What ``textrepair train`` writes: a model and the files the restorers read beside it.

* ``x.arpa``: the character n-gram model;
* ``x.words.tsv``: the training text's word counts (the dropped restorer's domain lexicon and
  the drop-set test's domain frequencies);
* ``x.units.txt``: the training text, one LM unit per line (long matches, passages);
* ``x.docs.tsv``: each training file's character counts apart (how differently the
  documents of the domain use a character: :func:`textrepair.dropped.dropset.infer_drop_set_mixed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..corpus import units_from_files
from ..usage import (
    document_counts,
    documents_path_for,
    segment_counts,
    words_path_for,
    write_document_counts,
    write_word_counts,
)
from .arpa import write_arpa
from .longmatch import units_path_for, write_units
from .train import NgramModel, estimate


def train_bundle(files: Sequence[str | Path], order: int, arpa: str | Path) -> NgramModel:
    """Train the model of *order* on *files* (each one document) and write it to *arpa* with
    the word counts, units and per-document counts beside it."""
    documents = [list(units_from_files([f])) for f in files]
    units = [u for doc in documents for u in doc]
    model = estimate(units, order)
    write_arpa(model, arpa)
    write_word_counts(segment_counts(units), words_path_for(arpa))
    write_units(units, units_path_for(arpa))
    write_document_counts(document_counts(documents), documents_path_for(arpa))
    return model


def bundle_paths(arpa: str | Path) -> list[Path]:
    """The files :func:`train_bundle` writes for *arpa*, the model first."""
    return [Path(arpa), words_path_for(arpa), units_path_for(arpa), documents_path_for(arpa)]
