"""What an engine weighed at each character: Tesseract's hOCR with its LSTM choices.

Run as ``tesseract PAGE OUT -c lstm_choice_mode=2 txt hocr``, Tesseract 4 and 5 write,
beside its reading, the characters its recogniser considered at each one it printed
(``ocrx_cinfo`` spans, best first)::

    <span class='ocrx_word' ...>城
     <span class='ocrx_cinfo' id='lstm_choices_1_3_1'>
      <span class='ocrx_cinfo' id='choice_1_3_1' title='x_confs 0'>城</span>
      <span class='ocrx_cinfo' id='choice_1_3_2' title='x_confs 0'>域</span> ...

A page read right holds hundreds of such near misses for each misreading it holds:
what the engine nearly read is what it misreads on a worse page. The channel learns
them (:func:`textrepair.ocr.channel.near_pairs`), so a few proofread pages teach it
far more of an engine's confusions than their misreadings alone.
"""

from __future__ import annotations

import html
import re

#: a recognised word's start and text, one of its characters (``hocr_char_boxes=1`` puts each
#: in a box of its own), or one character's group of choices
_TOKEN = re.compile(
    r"<span class=['\"]ocrx_word['\"][^>]*>([^<]*)"
    r"|title=['\"]x_bboxes[^'\"]*['\"]>([^<]*)"
    r"|id=['\"]lstm_choices_[^'\"]*['\"]>(.*?)</span>\s*</span>",
    re.S,
)
_CHOICE = re.compile(r"id=['\"]choice_[^'\"]*['\"][^>]*>([^<]*)")

Choices = list[tuple[str, str]]  # (character read, the others considered there, best first)


def is_hocr(text: str) -> bool:
    """True if *text* looks like hOCR (an HTML page with ``ocrx_word`` spans)."""
    return "ocrx_word" in text[:200_000] and "<html" in text[:2_000].lower()


def has_choices(text: str) -> bool:
    """True if the hOCR *text* holds LSTM choices (``lstm_choice_mode=2``)."""
    return "lstm_choices_" in text


def read_choices(text: str) -> Choices:
    """Every character of the hOCR *text*'s words in reading order, each with the other
    characters the engine considered there: empty where the hOCR lists none, where a word's
    choice groups do not match its characters one to one, or where a character's group does
    not hold the character itself (the recogniser's time steps and the printed characters do
    not always line up)."""
    out: Choices = []
    words: list[tuple[list[str], list[list[str]]]] = []  # (text or its boxed characters, groups)
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None:
            words.append(([html.unescape(m.group(1)).strip()], []))
        elif not words:
            continue
        elif m.group(2) is not None:
            words[-1][0].append(html.unescape(m.group(2)))
        else:
            words[-1][1].append([html.unescape(c) for c in _CHOICE.findall(m.group(3))])
    for parts, groups in words:
        word = parts[0] or "".join(parts[1:])
        if len(groups) != len(word):
            out += [(ch, "") for ch in word]
            continue
        for ch, group in zip(word, groups):
            # a group without the printed character belongs to another time step of the
            # recogniser (about one in seven on Tesseract 5's pages): no evidence for this one
            alts = (
                "".join(a for a in group if len(a) == 1 and a != ch and not a.isspace())
                if ch in group
                else ""
            )
            out.append((ch, alts))
    return out
