"""The garbage collector around repairs in a process the package drives (``textrepair restore``,
``collate``, ``batch`` and its workers).

The models a repair loads (the character and word LMs, the lexicons, the glyph tables and the
channel) are hundreds of megabytes of long-lived objects that never become garbage. CPython's
cyclic collector walks every tracked object in each full collection: while the models load it
runs again and again over a growing heap, and afterwards every full collection walks them
again. :func:`settled` turns the collector off while the first repair loads them (for a file
of one piece, the whole run), then moves everything alive into the permanent generation
(:func:`gc.freeze`) and turns it back on, so later collections see only what the repairs
allocate. Worker processes forked after that inherit the frozen heap, and the collector in them
no longer walks it. When the block ends the objects are handed back to the collector
(:func:`gc.unfreeze`) and its state is restored, so a Python caller of
:func:`textrepair.batch.run_batch` is left as it was (one that had frozen objects itself keeps
them frozen: the freezing is then left to it). ``collate`` and ``restore --explain`` (or
``--format json``), one repair each, run with the collector off.

The library calls (:func:`textrepair.restore`, :func:`textrepair.repair`) never touch the
collector: a program's collector is its own. Peak memory is the same either way (the repairs
make no cyclic garbage to speak of); the times are in docs/benchmarks.md.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Settling:
    """The collector's state inside :func:`settled`."""

    def __init__(self) -> None:
        self.enabled = gc.isenabled()
        #: whether the freezing is this block's to do (and undo): not where the program has frozen
        #: objects itself, which :func:`gc.unfreeze` would hand back too
        self.owner = gc.get_freeze_count() == 0
        self.done = False

    def loaded(self) -> None:
        """The models are in memory: freeze them out of later collections and collect again (as
        the collector was before the block). Only the first call does anything."""
        if self.done:
            return
        self.done = True
        if self.owner:
            gc.freeze()
        if self.enabled:
            gc.enable()


@contextmanager
def settled() -> Iterator[Settling]:
    """No cyclic collection until :meth:`Settling.loaded`; then the heap as it stands is frozen
    and collection resumes. On leaving, the frozen objects are handed back (:func:`gc.unfreeze`)
    and the collector is as it was before. Where the program had frozen objects already, the
    freezing is left to it: the block only pauses collection until :meth:`Settling.loaded`.

    >>> with settled() as s:
    ...     models = [list(range(3)) for _ in range(3)]  # what the first repair loads
    ...     s.loaded()
    >>> gc.get_freeze_count()
    0
    """
    state = Settling()
    gc.disable()
    try:
        yield state
    finally:
        if state.done and state.owner:
            gc.unfreeze()
        if state.enabled:
            gc.enable()
