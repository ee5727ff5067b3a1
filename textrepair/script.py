"""Which script a passage is in: what the restorers model (simplified Chinese) and what they leave
alone.

Both restorers know simplified Chinese only: the drafts, the People's Daily and
jieba's dictionary are all simplified. A passage in traditional script (歡迎閱讀)
or Japanese (kana, kyūjitai) would be "corrected" towards simplified characters, so
it is passed through untouched. Nothing here is a hand-made list:

* Japanese: the passage holds kana (``\\p{Hiragana}``, ``\\p{Katakana}``);
* traditional script: a share of its Han characters is rare in simplified usage
  (jieba's dictionary credits them fewer than :data:`RARE_COUNT` occurrences). On
  text the project did not write, that share is 25-40 % for traditional Chinese
  and 0 % for simplified (Debian's zh_CN / zh_TW text files, People's Daily,
  the drafts).
"""

from __future__ import annotations

import regex

from .normalize import HAN
from .usage import general_char_counts

#: a character jieba's dictionary credits fewer occurrences than this is rare in simplified usage
RARE_COUNT = 50
#: a passage with at least this share of rare characters (and at least MIN_RARE of them) is not
#: simplified
RARE_SHARE = 0.1
MIN_RARE = 1
#: a text with more than this share of its Han characters in foreign parts is foreign throughout
FOREIGN_TEXT_SHARE = 0.5

_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_LINE = regex.compile(r"[^\n]*\n?")
_PARAGRAPH = regex.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+|(?:[ \t]*\n)+")


def is_foreign(passage: str) -> bool:
    """True if *passage* is Japanese or traditional Chinese rather than simplified Chinese."""
    return bool(_KANA.search(passage)) or is_traditional(passage)


def is_traditional(passage: str) -> bool:
    """True if enough of *passage*'s Han characters are rare in simplified usage (module
    docstring)."""
    han = HAN.findall(passage)
    if not han:
        return False
    counts = general_char_counts()
    rare = sum(counts.get(c, 0) < RARE_COUNT for c in han)
    return rare >= MIN_RARE and rare >= RARE_SHARE * len(han)


def foreign_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the parts of *text* that :func:`is_foreign` calls foreign.

    Judged per paragraph (lines up to a blank line), so that a short line with one
    traditional character is judged with its neighbours, and then per line inside a
    simplified paragraph (a quoted traditional line). A text mostly foreign
    (:data:`FOREIGN_TEXT_SHARE` of its Han characters) is foreign throughout: a
    traditional paragraph may hold only characters simplified usage shares.
    """
    spans = _foreign_parts(text)
    return [(0, len(text))] if _han_share(text, spans) > FOREIGN_TEXT_SHARE else spans


def _foreign_parts(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        lines = [m for m in _LINE.finditer(text, para.start(), para.end()) if m.group()]
        if is_traditional("".join(m.group() for m in lines if not _KANA.search(m.group()))):
            _add(spans, para.start(), para.end())
            continue
        for m in lines:  # Japanese lines (kana), or a traditional line quoted in simplified text
            if is_foreign(m.group()):
                _add(spans, m.start(), m.end())
    return spans


def _add(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    elif start < end:
        spans.append((start, end))


def foreign_share(text: str) -> float:
    """The share of *text*'s Han characters that lie in foreign parts (:func:`foreign_spans`)."""
    return _han_share(text, foreign_spans(text))


def _han_share(text: str, spans: list[tuple[int, int]]) -> float:
    han = len(HAN.findall(text))
    return sum(len(HAN.findall(text, a, b)) for a, b in spans) / han if han else 0.0
