"""Folder-to-folder restoration: ``textrepair batch IN_DIR OUT_DIR``.

Design (each choice is what the command promises):

* **Inputs** are the regular files under IN_DIR, walked recursively and sorted by
  relative path, so runs are deterministic. Each result goes to the same relative path
  under OUT_DIR as UTF-8, written atomically (:class:`~textrepair.textio.AtomicWriter`).
* **Layout checks** (exit 1, nothing written): OUT_DIR may not be IN_DIR or inside it,
  and the report may not be inside IN_DIR. OUT_DIR *containing* IN_DIR is allowed
  (IN_DIR is walked, so nothing else in OUT_DIR is read) unless some output would land
  inside IN_DIR itself or on the report, also through a folder of OUT_DIR that is a symlink,
  which is refused before anything is written.
* **Per file** (:func:`process_task`, the same function for every engine): one pass
  reads the file in blocks to hash it (sha256) and detect its encoding
  (:mod:`textrepair.textio`); a second pass repairs it in pieces of whole lines
  (:func:`~textrepair.textio.iter_chunks`), so memory is bounded by the piece size, not
  the file size. A text shorter than one piece is repaired in a single call, exactly
  like :func:`textrepair.repair`; in longer texts the first piece decides the kind
  when none is given. A line longer than
  :data:`~textrepair.textio.MAX_LINE_CHARS` (e.g. a 50 MB file without line breaks)
  is reported ``failed`` with ``line 1 too long (N M characters > limit 1.0 M)``; it
  is not cut at a guessed boundary, because a wrong cut would silently damage text.
* **Statuses**: ``ok``; ``skipped`` for an empty file (an empty output is written);
  ``failed`` for anything that stops one file (binary, undecodable, vanished,
  unreadable, too long a line, an exception from the repairer). Nothing stops the run.
* **Report**: one JSON object per input (path, status, kind, edits, error, sha256,
  encoding), appended and fsynced as each file finishes, then rewritten atomically in
  walk order at the end, so it ends with exactly one line per input whatever the
  engine or completion order.
* **Resume**: the report is read (last line per path wins; a torn last line is
  dropped) and only ``ok``/``skipped`` lines whose output file exists are kept. A
  file is skipped when its current sha256 equals the kept line's. The output is
  written before its report line, so a kill between the two only means the file is
  redone. Failed files are retried.
* **Engines**: ``local`` runs in-process for one worker, else a
  :class:`~concurrent.futures.ProcessPoolExecutor` whose initializer loads the model
  once per worker process; ``dask`` maps :func:`process_task` on a
  ``dask.distributed`` cluster (a LocalCluster, or ``scheduler`` for an existing one
  whose workers see the same file system). The model is cached per process.
"""

from __future__ import annotations

import argparse
import errno
import gc
import json
import os
import signal
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, Protocol, TextIO, cast

from .errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, InputError, TextrepairError
from .gcpolicy import paused, settled
from .textio import (
    TEMP_SUFFIX,
    AtomicWriter,
    EncodingDetector,
    file_sha256,
    iter_chunks,
    open_decoded,
    repair_stream,
    scan_file,
)
from .types import KINDS, Kind, Repair

#: Report file name under OUT_DIR when ``--report`` is not given.
REPORT_NAME = "textrepair-report.jsonl"
ENGINES = ("local", "dask")

Status = Literal["ok", "failed", "skipped"]
#: ``repair(text, kind=None, model=None) -> Repair``, like :func:`textrepair.repair`.
RepairFn = Callable[..., Repair]
#: A repair function with its model bound: ``(text, kind) -> Repair``.
BoundRepair = Callable[[str, "str | None"], Repair]


class UsageError(TextrepairError):
    """The command line or folder layout is wrong; nothing was processed (exit 1)."""


@dataclass(frozen=True)
class Record:
    """One report line: what happened to one input file."""

    path: str
    status: Status
    kind: str | None = None
    edits: int = 0
    error: str = ""
    sha256: str = ""
    encoding: str = ""
    #: sha256 of the output written (verified by ``--resume`` before trusting it)
    output_sha256: str = ""
    #: what the repair warned of (a text too short to infer its drop set, spacing that breaks
    #: the dropped format ...), each once
    warnings: tuple[str, ...] = ()

    def to_json(self) -> str:
        line = json.dumps(asdict(self), ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 (its bytes as surrogates)
            line = json.dumps(asdict(self))  # escaped: the JSON reads back the same name
        return line

    @classmethod
    def from_json(cls, line: str) -> Record | None:
        """Parse a report line; ``None`` for a torn or foreign line."""
        try:
            data = json.loads(line)
            data["warnings"] = tuple(data.get("warnings", ()))  # absent from older reports
            record = cls(**{f.name: data[f.name] for f in fields(cls)})
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return record if record.status in ("ok", "failed", "skipped") else None


@dataclass(frozen=True)
class Task:
    """The work for one file, picklable for process pools and dask."""

    rel: str
    src: str
    dst: str
    kind: str | None
    previous: Record | None = None
    repair_fn: RepairFn | None = None


@dataclass(frozen=True)
class Outcome:
    """A task's record; ``resumed`` when an earlier run's record still holds."""

    record: Record
    resumed: bool = False


@dataclass
class BatchSummary:
    """Counts for one run; ``exit_code`` is what the command returns."""

    report: Path
    total: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    resumed: int = 0
    seconds: float = 0.0
    failures: list[Record] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        if outcome.resumed:
            self.resumed += 1
            return
        status = outcome.record.status
        setattr(self, status, getattr(self, status) + 1)
        if status == "failed":
            self.failures.append(outcome.record)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def describe(self) -> str:
        rate = self.total / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.total} files in {self.seconds:.1f} s ({rate:.1f}/s): {self.ok} ok, "
            f"{self.skipped} skipped, {self.failed} failed, {self.resumed} already done; "
            f"report: {self.report}"
        )


# --------------------------------------------------------------------------- per file


_BOUND: dict[RepairFn | None, BoundRepair] = {}


def load_repair(repair_fn: RepairFn | None) -> BoundRepair:
    """The repair function for this process, its model loaded once and cached.

    ``None`` means :func:`textrepair.repair` with :func:`textrepair.load_model`'s model.
    Used as the process-pool initializer, so each worker loads the model at start.
    """
    if repair_fn not in _BOUND:
        _BOUND[repair_fn] = _bind(repair_fn)
    return _BOUND[repair_fn]


def _init_worker(repair_fn: RepairFn | None, parent: int) -> None:
    """Pool initializer: die with the parent (even after ``kill -9``), then load the model (a
    forked worker has it already) and freeze it out of the collector's way
    (:mod:`textrepair.gcpolicy`: this process is the pool's)."""
    _die_with_parent(parent)
    with paused():  # a spawned worker loads it here
        load_repair(repair_fn)
    if not gc.get_freeze_count():  # a forked one inherited it frozen
        gc.freeze()


def _die_with_parent(parent: int) -> None:
    """End this process when *parent* is gone, instead of living on as an orphan.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``);
    everywhere, a daemon thread also checks every half second that the parent is
    still ours (a re-parented process sees another parent id).
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was armed
    threading.Thread(target=watch, name="textrepair-parent-watch", daemon=True).start()


def _bind(repair_fn: RepairFn | None) -> BoundRepair:
    if repair_fn is not None:
        fn = repair_fn
        return lambda text, kind: fn(text, kind=kind)
    import textrepair

    model = textrepair.api.preload()
    return lambda text, kind: textrepair.repair(text, kind=cast("Kind | None", kind), model=model)


def _open_input(path: str) -> BinaryIO:
    """Open an input file for reading bytes (a seam for tests)."""
    return open(path, "rb")


def _scan(path: str) -> tuple[str, EncodingDetector]:
    """:func:`~textrepair.textio.scan_file` through this module's opener (a seam for tests)."""
    return scan_file(path, _open_input)


def _repair_file(task: Task, encoding: str) -> tuple[str | None, int, tuple[str, ...]]:
    """The file repaired into its output: its kind, the number of edits, and the distinct
    warnings the repair gave (about the text: too short to infer its drop set, spacing that
    breaks the dropped format ...).

    Warnings are caught only in a process's main thread (as the local pool and a LocalCluster's
    one-thread workers run tasks): ``warnings.catch_warnings`` changes state the whole process
    shares. In another thread they go where Python sends them, without the file's name.
    """
    repair = load_repair(task.repair_fn)

    def run() -> tuple[str | None, int]:
        with _open_input(task.src) as raw, open_decoded(raw, encoding) as text:
            with AtomicWriter(task.dst) as out:
                return repair_stream(iter_chunks(text), out, task.kind, repair)

    if threading.current_thread() is not threading.main_thread():
        return (*run(), ())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        kind, edits = run()
    said = []
    for w in caught:
        if issubclass(w.category, UserWarning):
            said.append(str(w.message))
        else:  # not about the text: shown as it would have been
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return kind, edits, tuple(dict.fromkeys(said))


def process_task(task: Task) -> Outcome:
    """Process one file and say what happened; never raises for a bad file."""

    def failed(error: str, sha: str = "", encoding: str = "") -> Outcome:
        return Outcome(Record(task.rel, "failed", error=error, sha256=sha, encoding=encoding))

    try:
        sha, detector = _scan(task.src)
    except FileNotFoundError:
        return failed("file vanished before it could be read")
    except OSError as exc:
        return failed(f"cannot read: {exc.strerror or exc}")
    try:
        encoding = detector.finish()
    except InputError as exc:
        return failed(str(exc), sha)
    prev = task.previous
    if prev is not None and prev.sha256 == sha and _output_intact(task.dst, prev.output_sha256):
        return Outcome(prev, resumed=True)
    try:
        kind, edits, said = _repair_file(task, encoding)
    except FileNotFoundError as exc:
        vanished = exc.filename == task.src
        return failed("file vanished during the run" if vanished else str(exc), sha, encoding)
    except UnicodeDecodeError:
        return failed("file changed while it was being read", sha, encoding)
    except (InputError, OSError) as exc:
        return failed(str(exc), sha, encoding)
    except Exception as exc:  # a repairer bug must not stop the batch
        return failed(f"repair failed: {type(exc).__name__}: {exc}", sha, encoding)
    out_sha = file_sha256(task.dst)
    if kind is None:
        return Outcome(
            Record(
                task.rel,
                "skipped",
                None,
                0,
                "empty file; wrote an empty output",
                sha,
                encoding,
                out_sha,
            )
        )
    return Outcome(Record(task.rel, "ok", kind, edits, "", sha, encoding, out_sha, said))


def _output_intact(path: str, expected: str) -> bool:
    """True if the output a report line describes is still there, unaltered."""
    try:
        return bool(expected) and file_sha256(path) == expected
    except OSError:
        return False


# --------------------------------------------------------------------------- engines


class _Result(Protocol):
    def result(self) -> Outcome: ...


def _collect(future: _Result, task: Task) -> Outcome:
    """A finished future's outcome; a crashed worker fails only its own file."""
    try:
        return future.result()
    except Exception as exc:
        return Outcome(
            Record(task.rel, "failed", error=f"worker failed: {type(exc).__name__}: {exc}")
        )


def _run_local(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[Outcome]:
    """In-process for one worker; else a process pool loading the model once per worker."""
    with settled() as collector:
        collector.loaded()  # run_batch loaded the model; forked workers inherit it frozen
        if workers == 1:
            yield from map(process_task, tasks)
            return
        repair_fn = tasks[0].repair_fn if tasks else None
        pool = ProcessPoolExecutor(
            workers, initializer=_init_worker, initargs=(repair_fn, os.getpid())
        )
        try:
            futures: dict[Future[Outcome], Task] = {pool.submit(process_task, t): t for t in tasks}
            for future in as_completed(futures):
                yield _collect(future, futures[future])
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _import_dask() -> Any:
    try:
        import dask.distributed
    except ImportError:
        raise UsageError(
            "--engine dask needs dask.distributed: pip install 'textrepair[dask]'"
        ) from None
    return dask.distributed


def _run_dask(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[Outcome]:
    """Map :func:`process_task` on a dask cluster (a new LocalCluster unless *scheduler*)."""
    distributed = _import_dask()
    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(distributed.Client(scheduler))
        else:
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, dashboard_address=None
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
        futures = client.map(process_task, tasks, pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        for future in distributed.as_completed(futures):
            yield _collect(future, by_key[future.key])


_ENGINES = {"local": _run_local, "dask": _run_dask}


# --------------------------------------------------------------------------- layout & report


def list_inputs(in_root: Path, unusable: dict[str, str] | None = None) -> list[str]:
    """Relative POSIX paths of the regular files under *in_root*, sorted.

    Every other path met goes into *unusable* (relative path -> why it is skipped): a
    folder that cannot be read, a dangling or looping symlink, a FIFO, socket or device.
    A symlink to a regular file is followed, wherever it points.
    """
    found = []
    skipped = unusable if unusable is not None else {}

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or in_root)
        rel = where.relative_to(in_root).as_posix() if _inside(where, in_root) else str(where)
        skipped[rel] = f"folder cannot be read: {exc.strerror or exc}"

    for dirpath, dirs, files in os.walk(in_root, onerror=unreadable):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            rel = path.relative_to(in_root).as_posix()
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                what = (
                    "symlink loop"
                    if exc.errno == errno.ELOOP
                    else "dangling symlink"
                    if path.is_symlink()
                    else "cannot stat"
                )
                skipped[rel] = f"{what}: {exc.strerror or exc}"
                continue
            if stat.S_ISREG(mode):
                found.append(rel)
            elif stat.S_ISDIR(mode):
                if path.is_symlink():
                    skipped[rel] = "symlink to a folder: not followed"
            else:
                skipped[rel] = "not a regular file (FIFO, socket or device)"
    return sorted(found)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_layout(in_root: Path, out_root: Path, report: Path) -> None:
    """Refuse layouts where the run could write inside IN_DIR."""
    if not in_root.is_dir():
        raise UsageError(f"IN_DIR {in_root} is not a folder")
    if out_root.exists() and not out_root.is_dir():
        raise UsageError(f"OUT_DIR {out_root} exists and is not a folder")
    if _inside(out_root, in_root):
        raise UsageError(
            f"OUT_DIR {out_root} is IN_DIR or inside it; choose a folder outside IN_DIR"
        )
    if _inside(report, in_root):
        raise UsageError(f"report {report} is inside IN_DIR; choose a path outside IN_DIR")


def _check_targets(in_root: Path, out_root: Path, report: Path, rels: list[str]) -> None:
    """No output may land in IN_DIR or on the report: with IN_DIR inside OUT_DIR, or through a
    folder of OUT_DIR that is a symlink (into IN_DIR), where it would overwrite an input."""
    for rel in rels:
        target = out_root / rel
        # the folders as they resolve (a symlinked one followed; what does not exist yet, as
        # written), the file's own name kept: an output file that is a symlink is replaced
        # by the atomic write, never written through
        real = target.parent.resolve() / target.name
        if _inside(target, in_root) or _inside(real, in_root) or report in (target, real):
            raise UsageError(
                f"the output for {rel} would be written to {target}; choose another OUT_DIR or "
                f"--report"
            )


def load_report(path: Path) -> dict[str, Record]:
    """Records of a report file by path (the last line for a path wins; torn lines dropped)."""
    records: dict[str, Record] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                record = Record.from_json(line)
                if record is not None:
                    records[record.path] = record
    except FileNotFoundError:
        pass
    return records


def write_report(path: Path, records: Iterable[Record]) -> None:
    """Replace the report atomically with *records*, one JSON object a line."""
    with AtomicWriter(path) as out:
        out.writelines(r.to_json() + "\n" for r in records)


def _start_report(report: Path, out_root: Path, rels: list[str], resume: bool) -> dict[str, Record]:
    """Start the report; on resume keep (and return) the records still valid for *rels*."""
    kept: dict[str, Record] = {}
    if resume:
        wanted = set(rels)
        kept = {
            rel: r
            for rel, r in load_report(report).items()
            if rel in wanted and r.status != "failed" and (out_root / rel).exists()
        }
        for stale in out_root.rglob(f"*{TEMP_SUFFIX}"):
            stale.unlink()  # left by a killed run
    write_report(report, kept.values())
    return kept


def _append(log: IO[str], record: Record) -> None:
    log.write(record.to_json() + "\n")
    log.flush()
    os.fsync(log.fileno())


# --------------------------------------------------------------------------- progress


class Progress:
    """A tqdm bar on a terminal; otherwise a log line per failure and per 10 % done."""

    def __init__(self, total: int, bar: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self._step = max(1, total // 10)
        self._bar: Any = None
        if self.stream.isatty() if bar is None else bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="file", file=self.stream)

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        record = outcome.record
        if record.status == "failed" and not outcome.resumed:
            self._say(f"textrepair batch: failed {_shown(record.path)}: {_shown(record.error)}")
        if not outcome.resumed:
            for message in record.warnings:
                self._say(f"textrepair batch: warning: {_shown(record.path)}: {_shown(message)}")
        if self._bar is not None:
            self._bar.update(1)
        elif self.done % self._step == 0 or self.done == self.total:
            self._say(f"textrepair batch: {self.done}/{self.total} files")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def _say(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)


def _shown(text: str | None) -> str:
    """*text* for one log line: a control character (a file name may hold a newline) or an
    undecodable byte of a name escaped as Python writes it (``\\n``, ``\\udcff``)."""
    text = text or ""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


# --------------------------------------------------------------------------- run


def _check_options(workers: int, kind: str | None, engine: str, scheduler: str | None) -> None:
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if engine not in _ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if engine == "dask":
        _import_dask()


def _require_repair_api() -> None:
    import textrepair

    if not hasattr(textrepair, "repair"):
        raise UsageError(
            "this textrepair has no textrepair.repair(); the restorer is not installed"
        )


def run_batch(
    in_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    workers: int = 1,
    resume: bool = False,
    kind: str | None = None,
    report: str | os.PathLike[str] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    repair_fn: RepairFn | None = None,
    progress: bool | None = None,
    channel: str | None = None,
) -> BatchSummary:
    """Repair every file under *in_dir* into *out_dir*; see the module docstring.

    *repair_fn* defaults to :func:`textrepair.repair` (with *channel*, an OCR channel
    file, see :func:`textrepair.repair`); *progress* ``None`` shows a
    bar only when stderr is a terminal. Raises :class:`UsageError` for bad options
    or layouts before anything is written; bad files never raise.
    """
    started = time.monotonic()
    in_root, out_root = Path(in_dir).resolve(), Path(out_dir).resolve()
    report_path = Path(report).resolve() if report else out_root / REPORT_NAME
    _check_options(workers, kind, engine, scheduler)
    _check_layout(in_root, out_root, report_path)
    unusable: dict[str, str] = {}
    rels = list_inputs(in_root, unusable)
    _check_targets(in_root, out_root, report_path, rels)
    if repair_fn is None:
        _require_repair_api()
        if channel is not None:
            import functools

            from .api import repair
            from .ocr.channel import load_channel
            from .ocr.config import AUTO

            if channel != "none":  # a bad file fails here, before anything is written
                load_channel("tesseract" if channel == AUTO else channel)
            if channel != AUTO:  # the default: the preloaded repair, which forked workers share
                repair_fn = functools.partial(repair, channel=channel)
    if engine == "local":
        with paused():  # no collection walks the model while it loads (gcpolicy)
            load_repair(repair_fn)  # fail early; forked workers inherit the loaded model
    out_root.mkdir(parents=True, exist_ok=True)
    records = _start_report(report_path, out_root, rels, resume)
    tasks = [
        Task(rel, str(in_root / rel), str(out_root / rel), kind, records.get(rel), repair_fn)
        for rel in rels
    ]
    summary = BatchSummary(report_path)
    bar = Progress(len(tasks), progress)
    try:
        with open(report_path, "a", encoding="utf-8") as log:
            for outcome in _ENGINES[engine](tasks, workers, scheduler):
                if not outcome.resumed:
                    _append(log, outcome.record)
                records[outcome.record.path] = outcome.record
                summary.add(outcome)
                bar.update(outcome)
        skips = [Record(rel, "skipped", error=why) for rel, why in sorted(unusable.items())]
        with open(report_path, "a", encoding="utf-8") as log:
            for record in skips:
                _append(log, record)
                summary.add(Outcome(record))
    finally:
        bar.close()
    write_report(report_path, [*(records[rel] for rel in rels), *skips])
    summary.seconds = time.monotonic() - started
    return summary


# --------------------------------------------------------------------------- CLI


def add_batch_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``batch`` subcommand to an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "batch",
        help="restore every file of a folder into another folder",
        description="Restore every file under IN_DIR into the same relative path under OUT_DIR "
        f"(UTF-8). Exit status: {EXIT_OK} all processed, {EXIT_PARTIAL} some files failed, "
        f"{EXIT_ERROR} an error (nothing processed), {EXIT_USAGE} a usage error.",
        epilog="examples: textrepair batch scans/ restored/ --workers 2; "
        "textrepair batch scans/ restored/ --resume",
    )
    p.add_argument("in_dir", metavar="IN_DIR")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--workers", type=int, default=1, help="parallel workers (default 1)")
    p.add_argument(
        "--resume", action="store_true", help="skip files already done for the same content"
    )
    p.add_argument(
        "--kind",
        choices=["auto", *KINDS],
        default="auto",
        help="damage kind; auto detects it per file (default)",
    )
    p.add_argument("--report", help=f"JSON-lines report (default OUT_DIR/{REPORT_NAME})")
    p.add_argument("--engine", choices=ENGINES, default="local", help="local processes or dask")
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="existing dask scheduler (with --engine dask)"
    )
    p.add_argument(
        "--channel",
        metavar="FILE",
        help=(
            "OCR text: your engine's channel (textrepair learn-channel), 'tesseract' for the "
            "shipped one, 'none' for the glyph tables alone; default 'auto': the shipped channel "
            "where it finds the document noisy, else the tables alone"
        ),
    )
    p.set_defaults(func=batch_main)
    return p


def batch_main(args: argparse.Namespace, repair_fn: RepairFn | None = None) -> int:
    """Run ``textrepair batch`` from parsed *args*; return the exit status.

    *repair_fn* replaces :func:`textrepair.repair` (for tests and embedding).
    """
    try:
        summary = run_batch(
            args.in_dir,
            args.out_dir,
            workers=args.workers,
            resume=args.resume,
            kind=None if args.kind == "auto" else args.kind,
            report=args.report,
            engine=args.engine,
            scheduler=args.scheduler,
            repair_fn=repair_fn,
            channel=getattr(args, "channel", None),
        )
    except TextrepairError as exc:  # usage errors, a missing model, no dask
        print(f"textrepair batch: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("textrepair batch: interrupted; rerun with --resume to continue", file=sys.stderr)
        return 130
    print(f"textrepair batch: {summary.describe()}", file=sys.stderr)
    return summary.exit_code
