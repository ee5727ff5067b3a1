"""``textrepair`` command line; each subcommand mirrors one API function.

=================  ==========================================
command            API
=================  ==========================================
restore            :func:`textrepair.restore` / :func:`textrepair.repair`
detect             :func:`textrepair.detect`
train              :func:`textrepair.lm.estimate` + :func:`textrepair.lm.write_arpa`
score              :meth:`textrepair.lm.Model.score`
drop-set           :func:`textrepair.api.infer_drop_set_for`
batch              :func:`textrepair.batch.run_batch`
learn-channel      :func:`textrepair.ocr.channel.learn` +
:func:`textrepair.ocr.channel.write_channel`
fetch              :func:`textrepair.build.fetch.fetch`
collate            :func:`textrepair.collate`
=================  ==========================================

Errors are one line on stderr (``textrepair: error: …``) with a non-zero exit
status, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import stat
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from .errors import (
    EXIT_ERROR,
    EXIT_FORMAT,
    EXIT_OK,
    EXIT_STATUSES,
    EXIT_USAGE,
    ArgumentsError,
    InputError,
    TextrepairError,
)
from .lm.train import ORDER
from .types import KINDS

#: the output formats of ``restore``
FORMATS = ("text", "json")


def _read_input(name: str) -> str:
    """The whole input, read exactly once (a pipe or FIFO cannot be read twice) and decoded."""
    from .textio import MAX_STREAM_BYTES, decode_bytes, is_regular_file, read_once

    if name == "-":
        if sys.stdin is None:
            raise InputError("stdin: closed; give a FILE")
        raw = sys.stdin.buffer.read(MAX_STREAM_BYTES + 1)
        if len(raw) > MAX_STREAM_BYTES:
            raise InputError(
                f"stdin: longer than {MAX_STREAM_BYTES >> 20} MB; save it to a file first"
            )
    else:
        try:
            raw = Path(name).read_bytes() if is_regular_file(name) else read_once(name)
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    return decode_bytes(raw, name)[0]


# --------------------------------------------------------------------------- commands
def cmd_restore(args: argparse.Namespace) -> int:
    from . import api
    from .dropped.dropset import read_drop_set
    from .dropped.restorer import FormatWarning
    from .gcpolicy import paused

    kind = None if args.kind == "auto" else args.kind
    drop_set = read_drop_set(args.drop_set) if args.drop_set else None
    _refuse_writing_inputs(args.output, [args.input])
    if sys.stderr.isatty():
        print("textrepair: loading models…", file=sys.stderr, flush=True)
    with warnings.catch_warnings(record=True) as caught, _output(args.output) as out:
        warnings.simplefilter("always", FormatWarning)
        if args.explain or args.format == "json":
            # the edits index the whole input, so it is read at once
            text = _read_input(args.input)
            with paused():  # one repair: mostly loading (textrepair.gcpolicy)
                result = api.repair(
                    text,
                    kind,
                    args.model,
                    drop_set=drop_set,
                    punct=args.punct,
                    channel=args.channel,
                )
            _write_result(out, args.format, result.text, {"input": args.input, **result.to_dict()})
            if args.explain:
                from .explain import format_edits

                sys.stderr.write(format_edits(text, result))
        else:
            _restore_streaming(
                args.input, kind, args.model, drop_set, args.punct, args.channel, out
            )
    _print_warnings(caught)
    return _status(caught)


def _status(caught: Sequence[warnings.WarningMessage]) -> int:
    """Exit status 3 where a text was not in the dropped format it was given as, else 0."""
    from .dropped.restorer import FormatWarning

    return EXIT_FORMAT if any(issubclass(w.category, FormatWarning) for w in caught) else EXIT_OK


def _refuse_writing_inputs(output: str | None, inputs: Sequence[str]) -> None:
    for name in inputs:
        if output is not None and name != "-" and _same_file(name, output):
            raise InputError(f"{output}: -o names an input; textrepair never writes its input")


def _write_result(out: BinaryIO, fmt: str, text: str, payload: dict[str, object]) -> None:
    """The result as ``--format`` says: the text as it is, or *payload* as one JSON line."""
    if fmt == "json":
        out.write((json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8"))
    else:
        out.write(text.encode("utf-8"))


def _print_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    """Each distinct warning once, as one line."""
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"textrepair: warning: {message}", file=sys.stderr)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def _output(name: str | None) -> Iterator[BinaryIO]:
    """Where the result goes: stdout, or the file *name*.

    A regular file (or a new one) is written atomically: through a hidden temporary file
    beside it, flushed, synced and renamed when complete, so nothing is left behind on an
    error and no other file is touched. A symlink is followed (the file it points to is
    replaced, the link stays). A FIFO or a device (``/dev/null``) is written to as it is,
    never replaced by a file; a name for this process's own stdout (``/dev/stdout``,
    ``/dev/fd/1``) is stdout, appending where the shell redirected it.
    """
    from .textio import atomic_open

    try:
        st = os.stat(name) if name is not None else None
    except OSError:
        st = None  # a new file (or a folder that does not exist: said below)
    if name is None or (st is not None and _is_stdout(st)):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}: a folder; -o names the file to write")
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            with open(name, "wb") as device:
                yield device
        except OSError as exc:
            raise InputError(f"{name}: cannot write there: {exc.strerror or exc}") from None
        return
    with contextlib.ExitStack() as stack:
        try:
            f: IO[Any] = stack.enter_context(
                atomic_open(
                    os.path.realpath(name),
                    binary=True,
                    parents=False,
                    mode=None if st is None else stat.S_IMODE(st.st_mode),
                )
            )
        except OSError as exc:
            raise InputError(f"{name}: cannot write there: {exc.strerror}") from None
        yield cast(BinaryIO, f)


def _is_stdout(st: os.stat_result) -> bool:
    """True if *st* is the file this process's stdout writes to."""
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino)


def _restore_streaming(
    name: str,
    kind: str | None,
    model: str | None,
    drop_set: list[str] | None,
    punct: bool,
    channel: str | None,
    sink: BinaryIO,
) -> None:
    """Repair piece by piece (whole lines), so memory is bounded whatever the input size; the
    result goes to *sink* as UTF-8, byte for byte what batch writes (no newline added).

    A file's encoding is detected in a first pass over its bytes; stdin, a pipe or a FIFO
    is read once into memory (bounded: :func:`textrepair.textio.read_once`).
    """
    from . import api
    from .gcpolicy import settled
    from .textio import iter_chunks, repair_stream

    out = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=True)
    try:
        with (
            _open_decoded(name) as stream,
            Ticker(name, enabled=sys.stderr.isatty()) as ticker,
            settled() as collector,
        ):

            def repair(piece: str, k: str | None):  # type: ignore[no-untyped-def]
                done = api.repair(piece, k, model, drop_set=drop_set, punct=punct, channel=channel)  # type: ignore[arg-type]
                collector.loaded()  # the first piece loaded the models
                return done

            repair_stream(ticker.count(iter_chunks(stream)), out, kind, repair)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid {exc.encoding} text (byte {exc.start} of a block)"
        ) from None
    finally:
        out.detach()


class Ticker:
    """A status line on stderr while a long repair runs (on a terminal only): the characters
    handed to the repairer so far and the time elapsed, redrawn every *interval* seconds from
    a background thread, erased at the end. The repair itself is not touched."""

    def __init__(
        self, name: str, *, enabled: bool, interval: float = 0.5, stream: TextIO | None = None
    ) -> None:
        self.name, self.enabled, self.interval = name, enabled, interval
        self.stream = stream or sys.stderr
        self.chars = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = 0.0

    def count(self, pieces: Iterator[str]) -> Iterator[str]:
        for piece in pieces:
            self.chars += len(piece)
            yield piece

    def line(self) -> str:
        seconds = time.monotonic() - self._start
        return f"textrepair: repairing {self.name}: {self.chars:,} characters read, {seconds:.0f}s"

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def __enter__(self) -> "Ticker":
        self._start = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.stream.write("\r\x1b[K")  # erase the status line
            self.stream.flush()


def _open_decoded(name: str) -> TextIO:
    from .textio import decode_bytes, is_regular_file, read_once, scan_file

    if name == "-":  # read once, held in memory (bounded), its encoding detected like a file's
        return io.StringIO(_read_input("-"), newline="")

    try:
        if not is_regular_file(name):  # a pipe or FIFO: one read, held in memory (bounded)
            return io.StringIO(decode_bytes(read_once(name), name)[0], newline="")
        encoding = scan_file(name)[1].finish()
        return open(name, encoding=encoding, errors="strict", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None


def cmd_detect(args: argparse.Namespace) -> int:
    from . import api

    d = api.detect(_read_input(args.input))
    print(f"{d.kind}\t{d.confidence:.3f}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .lm.bundle import bundle_paths, train_bundle

    if args.order < 1:
        raise InputError(f"--order must be at least 1 (got {args.order})")
    _refuse_writing_inputs(args.output, args.corpus)
    for path in [] if args.punct else bundle_paths(args.output)[1:]:  # written beside the model
        if any(_same_file(name, str(path)) for name in args.corpus):
            raise InputError(f"{path}: an input; training writes it beside {args.output}")
    if args.punct:
        from .corpus import read_text
        from .dropped.punct import train_model
        from .lm import write_arpa

        write_arpa(train_model((read_text(f) for f in args.corpus), args.order), args.output)
        print(f"wrote {args.output} (punctuation model, order {args.order})", file=sys.stderr)
        return 0
    model = train_bundle(args.corpus, args.order, args.output)
    sizes = " ".join(f"{n}-grams={len(t)}" for n, t in enumerate(model.ngrams, 1))
    first, *beside = bundle_paths(args.output)
    print(
        f"wrote {first} (order {args.order}; {sizes}) and beside it "
        f"{', '.join(p.name for p in beside)}",
        file=sys.stderr,
    )
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from . import api

    model = api.load_model(args.model)
    lines = _read_input(args.input).splitlines()
    for s in model.score(lines):
        print(f"{s:.6f}")
    return 0


def cmd_drop_set(args: argparse.Namespace) -> int:
    from . import api

    text, model = _read_input(args.input), api.load_model(args.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chars = api.infer_drop_set_for(text, model)
    for ch in chars:
        print(ch)
    _print_warnings(caught)
    return _status(caught)


def cmd_learn_channel(args: argparse.Namespace) -> int:
    from .ocr.channel import learn, merge, read_channel, write_channel

    files = args.pairs
    if len(files) % 2:
        raise ArgumentsError(
            f"learn-channel takes TRUTH OCR pairs: got {len(files)} files (an odd number)"
        )
    _refuse_writing_inputs(args.output, [*files, *(args.merge or ())])
    triples = [
        (f"{t} / {o}", _read_input(t), _read_input(o)) for t, o in zip(files[::2], files[1::2])
    ]
    merged = [read_channel(path) for path in args.merge or ()]  # a bad file stops us first
    skipped: list[tuple[str, str]] | None = [] if args.skip_unaligned else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        channel = learn(triples, skipped)
    _print_warnings(caught)
    left_out = [name for name, _ in skipped or ()]
    for _, reason in skipped or ():
        print(f"textrepair: warning: skipped {reason}", file=sys.stderr)
    if len(left_out) == len(triples):
        raise InputError("learn-channel: no TRUTH OCR pair aligned; nothing to learn from")
    if merged:
        channel = merge([channel, *merged])
    write_channel(
        channel,
        args.output,
        [f"learnt from {len(triples) - len(left_out)} proofread pages and their OCR"]
        + ([f"left out, not aligned: {', '.join(left_out)}"] if left_out else [])
        + [f"merged with {path}" for path in args.merge or ()],
    )
    print(
        f"wrote {args.output}: {channel.characters} characters, {channel.errors} errors "
        f"({len(channel.counts)} distinct pairs)",
        file=sys.stderr,
    )
    return 0


def cmd_collate(args: argparse.Namespace) -> int:
    from .collate import collate
    from .gcpolicy import paused

    _refuse_writing_inputs(args.output, args.inputs)
    texts = [_read_input(name) for name in args.inputs]
    kinds = args.kinds.split(",") if args.kinds else None
    if kinds is not None and (len(kinds) != len(texts) or not set(kinds) <= set(KINDS)):
        raise ArgumentsError(
            f"--kinds needs one of {', '.join(KINDS)} per witness, comma-separated"
        )
    with warnings.catch_warnings(record=True) as caught, paused():  # one call: loading, mostly
        warnings.simplefilter("always")
        result = collate(texts, args.model, kinds=kinds)  # type: ignore[arg-type]
    with _output(args.output) as out:
        _write_result(out, args.format, result.text, {"inputs": args.inputs, **result.to_dict()})
    _print_warnings(caught)
    if args.explain:
        parts = ", ".join(f"{n} {what}" for what, n in sorted(result.contributions().items()))
        print(
            f"textrepair collate: {len(result.text)} characters ({parts}); the witnesses agree "
            f"on {result.agreement:.1%} of the kept characters; "
            f"{len(result.disagreements)} disagreements settled",
            file=sys.stderr,
        )
        for dis in result.disagreements:
            print(
                f"  at {dis.offset}: dropped {dis.dropped or '-'} / ocr {dis.ocr or '-'} -> "
                f"{dis.taken or '-'} ({dis.why})",
                file=sys.stderr,
            )
    return EXIT_OK


def cmd_fetch(args: argparse.Namespace) -> int:
    from .build import fetch

    if args.check:
        lines, complete = fetch.report(args.names)
        print("\n".join(lines))
        return 0 if complete else EXIT_ERROR
    fetch.fetch(args.names, force=args.force)
    print("\n".join(fetch.report(args.names)[0]), file=sys.stderr)
    return 0


#: set to 1 to keep `restore` and `batch` from fetching missing general models on first use
OFFLINE_ENV = "TEXTREPAIR_OFFLINE"


def _fetch_on_first_use() -> None:
    """Before a repair: get the general models that are missing, with a line on stderr (a
    failure is a warning; the repair then runs without them, and says so)."""
    if os.environ.get(OFFLINE_ENV):
        return
    from .build import fetch

    todo = [m for m in fetch.missing() if not m.chosen]
    if not todo:
        return
    print(
        "textrepair: first use: the general models are missing; fetching them once "
        f"(set {OFFLINE_ENV}=1 to skip)",
        file=sys.stderr,
    )
    try:
        fetch.fetch([m.name for m in todo])
    except TextrepairError as exc:
        print(f"textrepair: warning: {exc}", file=sys.stderr)


# --------------------------------------------------------------------------- parser
def _add_output_options(p: argparse.ArgumentParser, json_is: str) -> None:
    """``-o/--output`` and ``--format text|json`` (*json_is* says what the JSON holds)."""
    p.add_argument("-o", "--output", metavar="OUT", help="write the result to OUT (default stdout)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=f"text: the text alone (default); json: {json_is}",
    )


def build_parser() -> argparse.ArgumentParser:
    from .batch import add_batch_parser

    parser = argparse.ArgumentParser(
        prog="textrepair",
        description="Restore damaged Chinese policy documents: character-dropped text "
        "(deleted characters put back) and OCR'd reprints (glyph confusions, column joins, "
        "punctuation), with a character n-gram language model.",
        epilog=EXIT_STATUSES,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"textrepair {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "restore",
        help="repair one text and print it",
        description="Repair a text (FILE or - for stdin) and print the result as UTF-8 on stdout.",
        epilog=(
            "examples: textrepair restore reprint.txt > fixed.txt; textrepair restore --kind "
            "dropped --punct mined.txt -o fixed.txt; textrepair restore --format json scan.txt. "
            + EXIT_STATUSES
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="FILE",
        help="input file (UTF-8, GB18030/GBK, Big5, UTF-16 with BOM); - or nothing for stdin",
    )
    p.add_argument(
        "--kind",
        choices=["auto", *KINDS],
        default="auto",
        help="the damage to repair; auto detects it (default)",
    )
    p.add_argument("--model", metavar="PATH", help="ARPA model (default: models/default.arpa)")
    p.add_argument(
        "--drop-set",
        metavar="FILE",
        help="dropped text: the deleted characters, one per line (default: inferred)",
    )
    p.add_argument(
        "--punct",
        action="store_true",
        help="dropped text: also put punctuation (，。、；) back where confident",
    )
    p.add_argument(
        "--explain", action="store_true", help="also print the edits, as a readable diff, on stderr"
    )
    _add_output_options(
        p,
        "one object with the input's name, the kind, the restored text and every edit (offset "
        "into the input, old, new, confidence, reason)",
    )
    p.add_argument(
        "--channel",
        metavar="FILE",
        help=(
            "OCR text: what your engine misreads (a textrepair learn-channel file, 'tesseract' "
            "for the shipped one, 'none' for the glyph tables alone; default 'auto': the shipped "
            "channel where it finds the document noisy, else the tables alone)"
        ),
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "detect",
        help="say which kind of damage a text shows",
        description="Print the detected kind (dropped, ocr, clean) and a confidence.",
        epilog="example: textrepair detect scan.txt",
    )
    p.add_argument("input", nargs="?", default="-", metavar="FILE")
    p.set_defaults(func=cmd_detect)

    p = sub.add_parser(
        "train",
        help="train a character n-gram model (ARPA)",
        description=(
            "Estimate an interpolated modified Kneser-Ney character model from clean UTF-8 text "
            "files; writes MODEL (ARPA) and beside it the word counts (MODEL stem + .words.tsv), "
            "the training text, one unit per line (.units.txt, for long matches), and each "
            "file's character counts (.docs.tsv: each file is one document of the domain; for the "
            "drop set)."
        ),
        epilog="example: textrepair train corpora/draft_*.txt -o models/mine.arpa",
    )
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="clean UTF-8 text files")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="ARPA file to write")
    p.add_argument("--order", type=int, default=ORDER, help=f"n-gram order (default {ORDER})")
    p.add_argument(
        "--punct",
        action="store_true",
        help=(
            "train the punctuation model of the dropped restorer instead (Han characters and ，。、"
            "；)"
        ),
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "score",
        help="log10 probability of each line",
        description=(
            "Print one total log10 probability per input line (each character a token, with <s> "
            "and </s>), as kenlm's Model.score does."
        ),
        epilog="example: printf '推进医疗卫生\\n' | textrepair score",
    )
    p.add_argument("input", nargs="?", default="-", metavar="FILE")
    p.add_argument("--model", metavar="PATH")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "drop-set",
        help="infer the deleted characters of a dropped text",
        description=(
            "Print the characters inferred to have been deleted from a character-dropped text, one "
            "per line (usable as --drop-set)."
        ),
        epilog=(
            "example: textrepair drop-set long.txt > drop.txt; textrepair restore --drop-set "
            "drop.txt short.txt"
        ),
    )
    p.add_argument("input", nargs="?", default="-", metavar="FILE")
    p.add_argument("--model", metavar="PATH")
    p.set_defaults(func=cmd_drop_set)

    p = sub.add_parser(
        "learn-channel",
        help="learn what an OCR engine misreads from proofread pages",
        description="Align proofread pages with what an OCR engine read of them (Han characters) "
        "and count substitutions, insertions and deletions into a channel file for "
        "`restore --channel`. An OCR file may be Tesseract's hOCR with its choices "
        "(`tesseract PAGE OUT -c lstm_choice_mode=2 hocr`): what the engine weighed at each "
        "character and did not read (its near misses) is learnt too.",
        epilog=(
            "example: textrepair learn-channel page1.txt page1.ocr.txt page2.txt page2.ocr.txt -o "
            "my-engine.tsv"
        ),
    )
    p.add_argument(
        "pairs",
        nargs="+",
        metavar="TRUTH OCR",
        help="proofread text, then the engine's output of it; repeat",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="CHANNEL", help="channel file to write (.tsv)"
    )
    p.add_argument(
        "--skip-unaligned",
        action="store_true",
        help="leave out (with a warning each) pairs that do not align, instead of stopping",
    )
    p.add_argument(
        "--merge",
        action="append",
        metavar="CHANNEL",
        help="add the counts of this channel file (repeatable)",
    )
    p.set_defaults(func=cmd_learn_channel)

    p = sub.add_parser(
        "collate",
        help="collate a dropped copy and an OCR'd reprint of one document (or two reprints)",
        description=(
            "Align a character-dropped copy and an OCR'd reprint of one document on their "
            "characters and write one text: the dropped copy's kept characters (they correct the "
            "reprint's glyph errors), the reprint's drop-set characters and punctuation between "
            "them, and each witness's own restoration where the other lost the text. Two reprints: "
            "the LM decides where they read differently, each fills what the other lost."
        ),
        epilog=(
            "examples: textrepair collate mined.txt scan.txt -o document.txt; textrepair collate "
            "--explain mined.txt scan.txt > document.txt. " + EXIT_STATUSES
        ),
    )
    p.add_argument("inputs", nargs=2, metavar="FILE", help="the two witnesses (either order)")
    p.add_argument(
        "--kinds", metavar="K,K", help="the witnesses' kinds, e.g. dropped,ocr (default: detected)"
    )
    p.add_argument("--model", metavar="PATH", help="ARPA model (default: the shipped one)")
    _add_output_options(p, "the text, each character's source, the disagreements")
    p.add_argument(
        "--explain",
        action="store_true",
        help="print what each witness contributed and every disagreement on stderr",
    )
    p.set_defaults(func=cmd_collate)

    from .build.fetch import MODELS

    p = sub.add_parser(
        "fetch",
        help="download and build the general models",
        description=(
            "Get the general models into the data home ($TEXTREPAIR_HOME; in a checkout, models/; "
            "else the user cache directory), each source pinned by SHA-256: "
            + "; ".join(f"{m.name}: {m.what}, from {m.source}" for m in MODELS)
            + ". Without them the repairers still run, with less general knowledge (and a "
            "warning). restore, batch and collate fetch them on first use unless "
            f"{OFFLINE_ENV}=1."
        ),
        epilog="examples: textrepair fetch; textrepair fetch --check; textrepair fetch wordlm",
    )
    p.add_argument(
        "names", nargs="*", metavar="NAME", help=f"only these ({', '.join(m.name for m in MODELS)})"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="only report what is present (exit status 1 if something is missing)",
    )
    p.add_argument("--force", action="store_true", help="fetch again even if present")
    p.set_defaults(func=cmd_fetch)

    add_batch_parser(sub)
    return parser


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    return f"textrepair: warning: {message}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `textrepair`: help, not an error
        parser.print_help()
        return 0
    warnings.formatwarning = (
        _one_line_warning  # batch workers and models warn as one line, not a source excerpt
    )
    try:
        if args.command in ("restore", "batch", "collate"):
            _fetch_on_first_use()
        if args.command == "batch":
            from .batch import batch_main

            return batch_main(args)
        return int(args.func(args))
    except ArgumentsError as exc:
        print(f"textrepair: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TextrepairError as exc:
        print(f"textrepair: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("textrepair: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (
        OSError
    ) as exc:  # the output could not be written (a full disk, /dev/full), or another I/O failure
        what = f"{exc.filename}" if exc.filename else "cannot write the output"
        print(f"textrepair: error: {what}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug, or an environment problem: still one line unless asked
        if os.environ.get("TEXTREPAIR_DEBUG"):
            raise
        print(
            f"textrepair: internal error: {type(exc).__name__}: {exc} (set TEXTREPAIR_DEBUG=1 "
            f"for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
