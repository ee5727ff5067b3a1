"""Text normalisation shared by every part of textrepair.

Small pure functions, each doing one named thing (in the spirit of ftfy):

* :func:`to_fullwidth_punct` / :func:`to_halfwidth_digits` — width of punctuation and digits;
* :func:`collapse_whitespace` — whitespace;
* :func:`han_only`, :func:`is_han`, :data:`HAN` — Han extraction with ``regex``'s ``\\p{Han}``;
* :func:`lm_units` — how clean text is cut into the units the language model sees;
* :func:`single_code_points` — the code points of strings that are one character each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import regex

HAN = regex.compile(r"\p{Han}")
#: Chinese (full-width) punctuation that ends or splits a clause.
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】—…·"

# Half-width digits and Latin letters are the canonical form inside Chinese text
# (`2025年`), while punctuation between Han characters is full-width.
_FW_DIGITS = {chr(0xFF10 + i): str(i) for i in range(10)}
_FW_ALPHA = {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
_FW_ALPHA.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_TO_HALF = str.maketrans({**_FW_DIGITS, **_FW_ALPHA, "\u3000": " "})

#: Half-width punctuation -> full-width form used in Chinese text.
HALF_TO_FULL_PUNCT = {
    ",": "，",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
}


def single_code_points(strings: Sequence[str]) -> np.ndarray | None:
    """The code point of each of *strings* (uint32, in one pass), or None unless every one is a
    single character (an empty string beside a two-character one is no pair of characters)."""
    joined = "".join(strings)
    if len(joined) != len(strings) or not all(strings):
        return None
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)


def is_han(ch: str) -> bool:
    """True for one Han (CJK ideograph) character."""
    return bool(HAN.fullmatch(ch))


def han_only(text: str) -> str:
    """Keep the Han characters of *text*, in order, and nothing else."""
    return "".join(HAN.findall(text))


def to_halfwidth_digits(text: str) -> str:
    """Full-width digits/Latin letters and the ideographic space -> ASCII."""
    return text.translate(_TO_HALF)


def to_fullwidth_punct(text: str) -> str:
    """Half-width ``,;:?!()`` -> full-width, everywhere in *text*.

    Callers decide where this is appropriate (the OCR repairer only applies it
    in Chinese context); this function is the plain mapping.
    """
    return "".join(HALF_TO_FULL_PUNCT.get(c, c) for c in text)


def collapse_whitespace(text: str) -> str:
    """Unify line endings, strip each line, drop blank lines at both ends."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def normalize(text: str) -> str:
    """The canonical form of clean text: digit/letter width and whitespace only.

    Han characters and punctuation identity are never touched.
    """
    return collapse_whitespace(to_halfwidth_digits(text))


def paragraphs(text: str) -> list[str]:
    """Non-empty stripped lines of *text*."""
    return [ln for ln in (s.strip() for s in normalize(text).split("\n")) if ln]


def lm_units(text: str) -> Iterator[str]:
    """Cut clean text into language-model units (one ``<s> … </s>`` each).

    A unit is a paragraph with every non-Han character removed, so the model is
    over Han characters only and sees the same stream a damaged document has:
    the dropped format has no digits or punctuation, and the OCR repairer scores
    Han runs. Punctuation is restored by a separate pass.
    """
    for para in paragraphs(text):
        unit = han_only(para)
        if unit:
            yield unit
