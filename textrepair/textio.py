"""Reading and writing text files: encoding detection, atomic writes, bounded-memory streaming.

Encoding detection follows one rule: *detect, do not guess blindly*.

1. A byte-order mark decides: UTF-8 BOM -> ``utf-8-sig``, UTF-16 LE/BE BOM -> ``utf-16``.
2. Otherwise valid UTF-8 is UTF-8 (pure ASCII included).
3. Otherwise the legacy encodings that decode every byte strictly (GB18030, a superset
   of GBK; Big5; Shift-JIS as cp932) are candidates, and when more than one does,
   charset-normalizer decides among them on the first :data:`SAMPLE_BYTES`. Shift-JIS
   is Japanese: refused, naming the file. GB18030 must also look like Chinese text: no
   control characters, and at least :data:`MIN_CJK_SHARE` of the non-ASCII characters
   Han characters or CJK punctuation (random bytes usually fail the strict decode).
4. Anything else is refused with :class:`~textrepair.errors.InputError`: NUL bytes
   without a UTF-16 BOM (binary, or UTF-16 without a BOM), more than
   :data:`MAX_CONTROL_SHARE` control characters, or bytes no candidate decodes.

:class:`EncodingDetector` works incrementally so a file of any size is classified
while it is read once in fixed-size blocks.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

import regex

from .errors import InputError
from .types import Repair

#: Bytes read per block when scanning a file.
BLOCK_BYTES = 1 << 20
#: Bytes charset-normalizer sees when several legacy encodings decode a file.
SAMPLE_BYTES = 1 << 18
#: The legacy encodings tried when the bytes are not UTF-8 (Chinese ones first).
LEGACY = ("gb18030", "big5", "cp932")
#: ... and those that are not Chinese (refused).
NOT_CHINESE = {"cp932": "Japanese Shift-JIS"}
#: Minimum share of Han/CJK punctuation among non-ASCII characters for GB18030.
MIN_CJK_SHARE = 0.85
#: Share of control characters above which a decoded text is treated as binary.
MAX_CONTROL_SHARE = 0.01
#: Longest line :func:`iter_paragraphs` accepts, in characters (~3 MB of UTF-8 Chinese).
MAX_LINE_CHARS = 1_000_000
#: Suffix of the temporary files :class:`AtomicWriter` leaves behind only if killed.
TEMP_SUFFIX = ".textrepair-tmp"
#: Target size of the pieces :func:`iter_chunks` yields, in characters.
CHUNK_CHARS = 200_000

# The process umask, read once: temporary files are created 0600, outputs get the usual mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tab, LF, VT, FF and CR are layout, not control characters.
# (Patterns that rarely match in real text, so counting matches stays fast on big files.)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NOT_ASCII_OR_CJK = regex.compile(
    r"[^\x00-\x7f\p{Han}\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026\u00b7]"
)


class _Candidate:
    """One encoding being tried incrementally, with the statistics it needs."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.alive = True
        self.chars = self.controls = self.non_ascii = self.other = 0
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

    def feed(self, block: bytes, final: bool = False) -> None:
        """Decode *block*; on invalid bytes the candidate is dead."""
        if not self.alive:
            return
        try:
            text = self._decoder.decode(block, final)
        except UnicodeDecodeError:
            self.alive = False
            return
        self.chars += len(text)
        self.controls += len(_CONTROL.findall(text))
        self.non_ascii += len(text) - len(text.encode("ascii", "ignore"))
        self.other += len(_NOT_ASCII_OR_CJK.findall(text))

    def looks_chinese(self) -> bool:
        """No control characters and mostly Han/CJK punctuation beyond ASCII."""
        cjk = self.non_ascii - self.other
        return self.controls == 0 and cjk > 0 and cjk >= MIN_CJK_SHARE * self.non_ascii

    def too_many_controls(self) -> bool:
        return self.controls > MAX_CONTROL_SHARE * max(self.chars, 1)


class EncodingDetector:
    """Classify a byte stream fed block by block; :meth:`finish` names its encoding."""

    def __init__(self, name: str = "") -> None:
        """*name* (a path) prefixes error messages when given."""
        self._prefix = f"{name}: " if name else ""
        self._head = b""
        self._sample = b""
        self._candidates: list[_Candidate] | None = None
        self._nul = False

    def feed(self, block: bytes) -> None:
        """Feed the next block of the stream."""
        if self._candidates is None:
            self._head += block
            if len(self._head) < 4:
                return  # wait for enough bytes to see a BOM
            block, self._head = self._head, b""
            self._candidates = self._start(block)
        self._feed_candidates(block)

    def finish(self) -> str:
        """The detected encoding, or raise :class:`InputError` saying why there is none."""
        if self._candidates is None:
            self._candidates = self._start(self._head)
            self._feed_candidates(self._head)
        for cand in self._candidates:
            cand.feed(b"", final=True)
        if self._nul:
            raise InputError(
                f"{self._prefix}binary file (contains NUL bytes; UTF-16 text needs a byte-order "
                f"mark)"
            )
        alive = [c for c in self._candidates if c.alive]
        unicode = alive and alive[0].encoding in ("utf-8", "utf-8-sig", "utf-16")
        chosen = (alive[0] if unicode else self._decide(alive)) if alive else None
        if chosen is not None and chosen.too_many_controls():
            raise InputError(f"{self._prefix}binary file ({chosen.controls} control characters)")
        if chosen is not None and chosen.encoding in NOT_CHINESE:
            raise InputError(
                f"{self._prefix}{NOT_CHINESE[chosen.encoding]} text, not Chinese; textrepair "
                "restores Chinese text"
            )
        if chosen is not None and (chosen.encoding != "gb18030" or chosen.looks_chinese()):
            return chosen.encoding
        if len(self._candidates) == 1:
            what = f"invalid {self._candidates[0].encoding.upper()} despite its byte-order mark"
        else:
            what = "neither UTF-8 nor Chinese GB18030/GBK or Big5 text"
        raise InputError(f"{self._prefix}{what}; convert it to UTF-8")

    def _decide(self, alive: list[_Candidate]) -> _Candidate:
        """Among legacy encodings that all decode the bytes, the one charset-normalizer finds
        most plausible on the sample (the first candidate when it has no opinion)."""
        if len(alive) == 1:
            return alive[0]
        from charset_normalizer import from_bytes

        best = from_bytes(self._sample, cp_isolation=[c.encoding for c in alive]).best()
        found = best.encoding if best is not None else None
        return next((c for c in alive if c.encoding == found), alive[0])

    def _feed_candidates(self, block: bytes) -> None:
        assert self._candidates is not None
        if len(self._sample) < SAMPLE_BYTES:
            self._sample += block[: SAMPLE_BYTES - len(self._sample)]
        for cand in self._candidates:
            cand.feed(block)
        if self._candidates[0].encoding != "utf-16" and b"\x00" in block:
            self._nul = True

    @staticmethod
    def _start(head: bytes) -> list[_Candidate]:
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return [_Candidate(encoding)]
        return [_Candidate("utf-8"), *(_Candidate(e) for e in LEGACY)]


def decode_bytes(raw: bytes, name: str = "") -> tuple[str, str]:
    """Decode *raw* as described in the module docstring; return ``(text, encoding)``.

    Raises :class:`InputError` (one line, naming *name*) for binary or undecodable bytes.
    """
    detector = EncodingDetector(name)
    detector.feed(raw)
    encoding = detector.finish()
    return raw.decode(encoding), encoding


def read_text_file(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Read and decode a whole file; return ``(text, encoding)`` or raise :class:`InputError`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    return decode_bytes(raw, str(p))


#: a pipe, FIFO or device is read once into memory, up to this many bytes
MAX_STREAM_BYTES = 64 * 1024 * 1024


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """True for a regular file (after symlinks); False for a pipe, FIFO, device or socket."""
    return stat.S_ISREG(os.stat(path).st_mode)


def read_once(path: str | os.PathLike[str], limit: int = MAX_STREAM_BYTES) -> bytes:
    """Every byte of a file that can be read only once (a pipe, ``<(…)``, ``/dev/stdin``), up to
    *limit*.

    Raises :class:`InputError` naming it when it holds more (``/dev/zero`` never ends).
    """
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"{path}: not a regular file and longer than {limit >> 20} MB; save it to a file first"
        )
    return data


def scan_file(
    path: str | os.PathLike[str], open_binary: Callable[[str], BinaryIO] | None = None
) -> tuple[str, EncodingDetector]:
    """Read a file once in blocks: its sha256 and an encoding detector fed with every byte.

    Call ``finish()`` on the detector for the encoding (or the reason there is none).
    Memory stays bounded by the block size whatever the file size.
    """
    digest = hashlib.sha256()
    detector = EncodingDetector(str(path))
    with (open_binary or _open_binary)(str(path)) as stream:
        while block := stream.read(BLOCK_BYTES):
            digest.update(block)
            detector.feed(block)
    return digest.hexdigest(), detector


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _open_binary(path: str) -> BinaryIO:
    return open(path, "rb")


def open_decoded(stream: BinaryIO, encoding: str) -> TextIO:
    """A text view of a binary *stream* in *encoding*, keeping line endings as they are."""
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write *text* as UTF-8 to *path* atomically (temp file in the same folder, fsync, rename)."""
    with AtomicWriter(path) as out:
        out.write(text)


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    *,
    binary: bool = False,
    parents: bool = True,
    mode: int | None = None,
) -> Iterator[IO[Any]]:
    """A file that appears at *path* only when complete.

    Writes go to a hidden temporary file next to *path* (its folders made first unless
    *parents* is false); on a clean exit it is flushed, fsynced, given *mode* (default: the
    usual mode for a new file) and renamed over *path*; on an exception it is removed. Text
    is UTF-8 with line endings as written.
    """
    target = Path(path)
    if parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    try:
        os.chmod(fd, 0o666 & ~_UMASK if mode is None else mode)
        with open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class AtomicWriter:
    """Context manager: a UTF-8 text file that appears at *path* only when complete
    (:func:`atomic_open`)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> TextIO:
        return cast(TextIO, self._stack.enter_context(atomic_open(self.path)))

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._stack.__exit__(exc_type, exc, tb)  # type: ignore[arg-type]


def iter_paragraphs(stream: TextIO, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Yield the lines of a text *stream* (line endings kept), holding one line at a time.

    A line longer than *max_chars* raises :class:`InputError` giving its number and
    length (measured by reading on in bounded pieces), so memory stays bounded even
    for a 50 MB file with no line breaks.
    """
    for number, line in enumerate(iter(lambda: stream.readline(max_chars + 1), ""), start=1):
        if len(line) > max_chars and not line.endswith(("\n", "\r")):
            length = len(line) + _rest_of_line_length(stream, max_chars)
            raise InputError(
                f"line {number} too long ({length / 1e6:.1f} M characters > limit "
                f"{max_chars / 1e6:.1f} M); split it into paragraphs"
            )
        yield line


def _rest_of_line_length(stream: TextIO, piece: int) -> int:
    """Consume the rest of the current line in pieces of *piece* chars; return its length."""
    total = 0
    while part := stream.readline(piece):
        total += len(part)
        if part.endswith(("\n", "\r")):
            break
    return total


def iter_chunks(
    stream: TextIO, chunk_chars: int = CHUNK_CHARS, max_line_chars: int = MAX_LINE_CHARS
) -> Iterator[str]:
    """Yield whole lines of *stream* grouped into pieces of about *chunk_chars*.

    A text shorter than *chunk_chars* comes out as one piece equal to the whole text;
    longer texts are cut only at line ends. Memory is bounded by
    ``chunk_chars + max_line_chars``.
    """
    lines: list[str] = []
    size = 0
    for line in iter_paragraphs(stream, max_line_chars):
        if lines and size + len(line) > chunk_chars:
            yield "".join(lines)
            lines, size = [], 0
        lines.append(line)
        size += len(line)
    if lines:
        yield "".join(lines)


def repair_stream(
    pieces: Iterable[str],
    out: TextIO,
    kind: str | None,
    repair: Callable[[str, str | None], Repair],
) -> tuple[str | None, int]:
    """Repair *pieces* (whole lines) in order, writing to *out*; return ``(kind, edits)``.

    The first piece's kind is used for the rest when *kind* is ``None``; a line break
    is kept between pieces even if the repairer drops a trailing one. ``kind`` is
    ``None`` when there were no pieces (empty input).
    """
    first_kind: str | None = None
    edits = 0
    last = ""
    for piece in pieces:
        result = repair(piece, kind or first_kind)
        first_kind = first_kind or result.kind
        edits += len(result.edits)
        if last and not last.endswith(("\n", "\r")):
            out.write("\n")
        out.write(result.text)
        last = result.text or last
    return first_kind, edits
