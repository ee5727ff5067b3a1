"""Where every model file lives, in one place.

The repository's top-level ``models/`` folder is the source of truth: the small
models are committed there, the general ones are built there by ``make general``
and ``make wordlm``. Every module that reads a model asks this one for its path.
"""

from __future__ import annotations

from pathlib import Path

#: the folder of the shipped models
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

#: the drafts' character LM (``make model``); its word counts sit beside it (``default.words.tsv``)
DEFAULT_MODEL = MODELS_DIR / "default.arpa"
#: the punctuation LM of the dropped restorer (``make model``)
PUNCT_MODEL = MODELS_DIR / "punct.arpa"
#: the general newspaper character model (``make general``; not committed)
GENERAL_MODEL = MODELS_DIR / "general.npz"
#: the general word trigram (``make wordlm``; not committed)
WORD_LM = MODELS_DIR / "zh_CN.lm"
#: the channel learnt from Tesseract (``make channel``)
CHANNEL = MODELS_DIR / "channel.tsv"
#: the glyph corrector's calibration for general text (``make calibration``)
CALIBRATION = MODELS_DIR / "calibration.json"


def model_file(name: str) -> Path:
    """The path of the shipped model file *name* (``confusion.tsv``, ``glyphs.npz`` ...)."""
    return MODELS_DIR / name
