"""Reading and writing the ARPA back-off format (the one ``kenlm.Model`` loads).

Tokens are single characters plus ``<s>``, ``</s>`` and ``<unk>``, separated by
one space. Reading is strict: a truncated or malformed file raises
:class:`~textrepair.errors.ModelError` with the line number, never a traceback.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

from ..errors import ModelError
from .train import Ngram, NgramModel


def _fmt(x: float) -> str:
    return f"{x:.7g}"


def write_arpa(model: NgramModel, path: str | Path) -> None:
    """Write *model* as ARPA; n-grams in sorted order so output is reproducible."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("\\data\\\n")
        for n, table in enumerate(model.ngrams, start=1):
            f.write(f"ngram {n}={len(table)}\n")
        for n, table in enumerate(model.ngrams, start=1):
            f.write(f"\n\\{n}-grams:\n")
            top = n == model.order
            for g in sorted(table):
                lp, bo = table[g]
                words = " ".join(g)
                if top:
                    f.write(f"{_fmt(lp)}\t{words}\n")
                else:
                    f.write(f"{_fmt(lp)}\t{words}\t{_fmt(bo)}\n")
        f.write("\n\\end\\\n")
    tmp.replace(p)


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def read_arpa(path: str | Path) -> NgramModel:
    """Parse an ARPA file into an :class:`NgramModel`."""
    p = Path(path)
    if not p.exists():
        raise ModelError(f"model file not found: {p}")
    try:
        with _open(p) as f:
            return _parse(f, p)
    except UnicodeDecodeError as exc:
        if _looks_arpa(p):
            raise ModelError(
                f"{p}: not valid UTF-8 ({exc.reason}): a truncated or damaged ARPA file?"
            ) from None
        raise ModelError(
            f"{p} is not a UTF-8 ARPA file (binary kenlm models are not read by the numpy scorer)"
        ) from None
    except (OSError, EOFError) as exc:
        raise ModelError(f"cannot read {p}: {exc}") from None


def _looks_arpa(p: Path) -> bool:
    """True if *p* begins like an ARPA file (its ``\\data\\`` header), compressed or not."""
    try:
        with gzip.open(p, "rb") if p.suffix == ".gz" else open(p, "rb") as f:
            return f.read(64).lstrip().startswith(b"\\data\\")
    except (OSError, EOFError):
        return False


def _parse(f: IO[str], p: Path) -> NgramModel:
    lineno = 0

    def bad(msg: str) -> ModelError:
        return ModelError(f"{p}:{lineno}: malformed ARPA: {msg}")

    line = ""
    for line in f:
        lineno += 1
        if line.strip():
            break
    if line.strip() != "\\data\\":
        raise bad("expected \\data\\ header")
    sizes: list[int] = []
    for line in f:
        lineno += 1
        s = line.strip()
        if not s:
            if sizes:
                break
            continue
        if not s.startswith("ngram "):
            raise bad(f"expected 'ngram N=count', got {s[:40]!r}")
        try:
            n_str, c_str = s[6:].split("=")
            n, c = int(n_str), int(c_str)
        except ValueError:
            raise bad(f"bad count line {s[:40]!r}") from None
        if n != len(sizes) + 1 or c < 0:
            raise bad(f"bad count line {s[:40]!r}")
        sizes.append(c)
    if not sizes:
        raise bad("no n-gram counts")
    order = len(sizes)
    model = NgramModel(order=order)
    for n in range(1, order + 1):
        for line in f:
            lineno += 1
            if line.strip():
                break
        else:
            raise bad(f"file ends before the {n}-grams section (truncated?)")
        if line.strip() != f"\\{n}-grams:":
            raise bad(f"expected \\{n}-grams:")
        table: dict[Ngram, tuple[float, float]] = {}
        for _ in range(sizes[n - 1]):
            line = f.readline()
            lineno += 1
            if not line:
                raise bad(f"file ends inside the {n}-grams section (truncated?)")
            parts = line.rstrip("\n").split("\t")
            if len(parts) not in (2, 3):
                raise bad("expected 'logprob<TAB>ngram[<TAB>backoff]'")
            words = tuple(parts[1].split(" "))
            if len(words) != n:
                raise bad(f"expected {n} tokens, got {len(words)}")
            try:
                lp = float(parts[0])
                bo = float(parts[2]) if len(parts) == 3 else 0.0
            except ValueError:
                raise bad("probability or back-off is not a number") from None
            table[words] = (lp, bo)
        model.ngrams.append(table)
    for line in f:
        lineno += 1
        if line.strip():
            if line.strip() != "\\end\\":
                raise bad("expected \\end\\")
            break
    else:
        raise bad("missing \\end\\ (truncated?)")
    if ("<unk>",) not in model.ngrams[0]:
        raise ModelError(f"{p}: the model has no <unk> unigram")
    return model
