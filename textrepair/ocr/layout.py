"""Layout repair for OCR'd Chinese text: column joins, wrapped lines, punctuation width.

Small pure functions in the spirit of ftfy. Each *fix* takes a text and returns the
:class:`~textrepair.types.Edit` list it would make to that text; it never touches a
Han character. :func:`fix_layout` runs the fixes in order and maps every edit back to
an offset in the *input*, so ``apply_edits(text, edits)`` reproduces the output.

The fixes (in the order they run):

* :func:`normalize_quotes` — ASCII ``"`` pairs in Chinese text -> ``“ ”``;
* :func:`complete_heading_parens` — ``一)`` at a line start -> ``（一)`` (lost open paren);
* :func:`fullwidth_punctuation` — ``,;:?!()`` and a sentence-final ``.`` in Chinese
  context -> full width, keeping numbers, Latin text and URLs;
* :func:`join_wrapped_lines` — a newline inside a paragraph, when the evidence is clear;
* :func:`remove_column_wrap_spaces` — spaces a newspaper column left between Chinese
  characters, only in a text that shows the column pattern.

Clean, correctly formatted text gets no edits: every rule needs positive evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import regex

from ..normalize import CJK_PUNCT, HALF_TO_FULL_PUNCT, HAN
from ..types import Edit

__all__ = [
    "column_width",
    "inside_words",
    "complete_heading_parens",
    "fix_layout",
    "fullwidth_punctuation",
    "join_wrapped_lines",
    "normalize_quotes",
    "remove_column_wrap_spaces",
]

Fix = Callable[[str], list[Edit]]

_HAN = HAN
_HSPACE = " \t\u3000"
#: spaces a column join leaves (a tab is layout someone typed: never removed)
_SPACE_RUN = regex.compile(r"[ \u3000]+")
_FULL_PUNCT = frozenset(CJK_PUNCT + "「」『』〔〕")
#: Full-width punctuation that may not start a line (kinsoku): a line starting with one
#: of these continues the previous line.
_NO_LINE_START = frozenset("，。、；：？！）》〉】」』”’…")
_OPENERS = frozenset("“‘（《〈【「『")
_CLOSERS = frozenset("”’）》〉】」』")
_NUMERALS = "一二三四五六七八九十百零〇"
#: Markers that start a heading or list item: such a line starts a new paragraph
#: (joined only after a full column line that ends mid-sentence, see _should_join).
_HEADING = regex.compile(
    rf"""^(?:[{_NUMERALS}]+[、.．]
        |[（(][{_NUMERALS}]+[）)]
        |[（(]\d+[）)]
        |\d+[.．、](?!\d)
        |第[{_NUMERALS}\d]+[章节条款部分]
        |[①-⑳]
        |附件)""",
    regex.VERBOSE,
)
#: the number of a rule's or a law's article, chapter or section (``第一条``, ``第三章``)
_ARTICLE = regex.compile(rf"第[{_NUMERALS}\d]+[章节条款]")
#: how far back from a space the start of its line is looked for (an article number and its
#: indent are shorter)
_ARTICLE_REACH = 24
_HEADING_CLOSE_PAREN = regex.compile(
    rf"(?m)^[{_HSPACE}]*([{_NUMERALS}]+)[{_HSPACE}]*\n?[{_HSPACE}]*[)）]"
)
#: Punctuation that shows a line is running text rather than a title.
_SENTENCE_PUNCT = frozenset("，。；")
#: Punctuation after which a heading may follow on the next line.
_SENTENCE_END = frozenset("。！？；：")
#: what a line that ends with its sense ends with (a poem's line, a list's item)
_LINE_END = frozenset("。！？；：，、.!?;:,")
#: the narrowest column a wrapped text is taken to have (newspapers print 12-15 characters)
MIN_COLUMN_WIDTH = 8
#: ASCII symbols that glue a mark to a command or a path (``:q!``, ``:wq``, ``~/.vimrc``).
_ASCII_SYMBOLS = frozenset("!#$&*+/:;<=>?@[\\]^_`{|}~")
#: ... and, right after a mark, also a percent sign or a quote (``:%s``, ``:'<,'>``; ``5%,`` is
#: prose)
_ASCII_SYMBOLS_AFTER = _ASCII_SYMBOLS | frozenset("%'\"")
#: Characters of a number in running text (``95.5%``).
_NUMBER = frozenset("0123456789.%")
#: Column-join evidence: at least this many space runs between Chinese characters, and
#: at least one per this many Han characters (newspaper columns wrap every ~10–20).
_MIN_JOINS = 2
_HAN_PER_JOIN = 200


def _is_han(ch: str) -> bool:
    return bool(_HAN.fullmatch(ch))


def _is_cjk(ch: str) -> bool:
    """Han or full-width (Chinese) punctuation."""
    return ch in _FULL_PUNCT or _is_han(ch)


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _touches_ascii(text: str, i: int) -> bool:
    """True if the mark at *i* belongs to ASCII rather than to Chinese prose.

    Glued to a Latin letter or an ASCII symbol (``:q!``, ``Subject:``,
    ``:%s/old/new/g``, ``:'<,'>``), or standing alone between spaces (a key name:
    ``按 ? 键``). Digits do not count (``2025年,`` is prose; a mark between two digits
    is handled by the number rule), nor does a ``%`` before the mark (``5%,``).
    """
    left = text[i - 1] if i > 0 else ""
    right = text[i + 1] if i + 1 < len(text) else ""
    if _is_ascii_letter(left) or left in _ASCII_SYMBOLS:
        return True
    if _is_ascii_letter(right) or right in _ASCII_SYMBOLS_AFTER:
        return True
    return left in " \t" and right in " \t\n"


def _left(text: str, i: int) -> str:
    """The nearest non-whitespace character before index *i* ('' if none)."""
    j = i - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    return text[j] if j >= 0 else ""


def _right(text: str, i: int) -> str:
    """The nearest non-whitespace character after index *i* ('' if none)."""
    j = i + 1
    while j < len(text) and text[j].isspace():
        j += 1
    return text[j] if j < len(text) else ""


def _substitute(text: str, edits: Sequence[Edit]) -> str:
    """Apply same-length substitutions (offsets do not move)."""
    chars = list(text)
    for e in edits:
        chars[e.offset : e.offset + len(e.old)] = e.new
    return "".join(chars)


def _blocks(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph block: text between blank lines."""
    bounds = [0]
    for m in regex.finditer(r"\n[ \t\u3000]*\n", text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    return list(zip(bounds[::2], bounds[1::2], strict=True))


# --- quotes -----------------------------------------------------------------------------


def normalize_quotes(text: str) -> list[Edit]:
    """ASCII ``"`` pairs -> ``“…”`` where the quoted text or its neighbour is Han.

    A pair around ASCII only (``"vimtutor"``) stays: a quoted name or command.

    Quotes are paired left to right inside a paragraph block; a block with an odd
    number of ``"`` is left alone, since its pairing cannot be known.

    >>> from textrepair.edits import apply_edits
    >>> text = '他说"好"。'
    >>> apply_edits(text, normalize_quotes(text))
    '他说“好”。'
    """
    edits: list[Edit] = []
    for start, end in _blocks(text):
        quotes = [i for i in range(start, end) if text[i] == '"']
        if len(quotes) % 2:
            continue
        for i, j in zip(quotes[::2], quotes[1::2], strict=True):
            inner = text[i + 1 : j]
            if inner.isascii() and inner.strip():
                continue  # "vimtutor", "thee": a name or a command quoted, not Chinese
            if any(map(_is_han, inner)) or _is_han(_left(text, i)) or _is_han(_right(text, j)):
                edits.append(Edit(i, '"', "“", 0.85, "punctuation"))
                edits.append(Edit(j, '"', "”", 0.85, "punctuation"))
    return edits


# --- punctuation ------------------------------------------------------------------------


def complete_heading_parens(text: str) -> list[Edit]:
    """A line starting ``一)`` lost its opening parenthesis: insert ``（``.

    Only when that close parenthesis has no opener earlier on the line.

    >>> complete_heading_parens("一)总体要求")
    [Edit(offset=0, old='', new='（', confidence=0.8, reason='punctuation')]
    """
    return [
        Edit(m.start(1), "", "（", 0.8, "punctuation") for m in _HEADING_CLOSE_PAREN.finditer(text)
    ]


def _paren_pairs(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched ``(``/``（`` … ``)``/``）`` pairs per block, and unmatched positions."""
    pairs: list[tuple[int, int]] = []
    unmatched: list[int] = []
    for start, end in _blocks(text):
        stack: list[int] = []
        for i in range(start, end):
            if text[i] in "(（":
                stack.append(i)
            elif text[i] in ")）":
                if stack:
                    pairs.append((stack.pop(), i))
                else:
                    unmatched.append(i)
        unmatched += stack
    return pairs, unmatched


def _paren_edits(text: str) -> list[Edit]:
    """Half-width parentheses whose pair is Chinese -> full width.

    A pair is Chinese when one half is already full width, its content holds Han, or
    a neighbour outside it is Han; ``(a)`` in Latin text stays, and so does a pair
    glued to a name (``journald.conf(5)``) or holding Latin letters (``(j)``, ``(ESC)``).
    An unmatched one is converted when a neighbour is Han and neither is an ASCII
    letter or digit. (Only Han and the pair itself decide, so later fixes cannot
    change the decision.)
    """
    pairs, unmatched = _paren_pairs(text)
    edits: list[Edit] = []
    for i, j in pairs:
        inner = text[i + 1 : j]
        if text[i] + text[j] == "()" and not any(map(_is_han, inner)):
            if (i > 0 and _is_ascii_alnum(text[i - 1])) or any(map(_is_ascii_letter, inner)):
                # journald.conf(5), f(x), (j), (ESC): a reference, a call or a key, not Chinese
                continue
        if (
            text[i] + text[j] != "()"
            or any(map(_is_han, inner))
            or _is_han(_left(text, i))
            or _is_han(_right(text, j))
        ):
            edits += [
                Edit(k, text[k], HALF_TO_FULL_PUNCT[text[k]], 0.9, "punctuation")
                for k in (i, j)
                if text[k] in "()"
            ]
    for k in unmatched:
        around = (_left(text, k), _right(text, k))
        if text[k] in "()" and any(map(_is_han, around)) and not any(map(_is_ascii_alnum, around)):
            edits.append(Edit(k, text[k], HALF_TO_FULL_PUNCT[text[k]], 0.8, "punctuation"))
    return edits


def _clause_punct_edits(text: str) -> list[Edit]:
    """``,;:?!`` with a Chinese neighbour -> full width, repeated to a fixed point.

    A neighbour is the nearest non-space character on either side; ``1,000`` and
    ``10:30`` (digits on both sides) stay, and so does a mark glued to ASCII
    (``:q!``, ``Subject:``; :func:`_touches_ascii`).
    """
    edits: list[Edit] = []
    while True:
        new = [
            Edit(i, c, HALF_TO_FULL_PUNCT[c], 0.9, "punctuation")
            for i, c in enumerate(text)
            if c in ",;:?!"
            and (_is_cjk(_left(text, i)) or _is_cjk(_right(text, i)))
            and not (_left(text, i).isdigit() and _right(text, i).isdigit())
            and not _touches_ascii(text, i)
        ]
        if not new:
            return edits
        edits += new
        text = _substitute(text, new)


def _full_stop_edits(text: str) -> list[Edit]:
    """A ``.`` that ends a Chinese sentence -> ``。``.

    Before it (past spaces) is Han, a closing Chinese bracket/quote or ``%``; after
    it (past spaces) is the end of the line, Han, Chinese quote/bracket punctuation,
    or a digit when Han is before it (``项目.2025年``).
    ``一.`` heading numbers, ``3.5`` and ``...`` stay.
    """
    edits: list[Edit] = []
    for i, c in enumerate(text):
        if c != ".":
            continue
        before, after = _left(text, i), text[i + 1 :].lstrip(_HSPACE)[:1].strip()
        if not (_is_han(before) or before in _CLOSERS or before == "%"):
            continue
        if not (after == "" or _is_han(after) or after in _OPENERS or after in _CLOSERS):
            if not (_is_han(before) and after.isdigit()):
                continue
        line_start = text.rfind("\n", 0, i) + 1
        if not text[line_start:i].strip(_HSPACE + _NUMERALS):
            continue
        edits.append(Edit(i, ".", "。", 0.8, "punctuation"))
    return edits


def fullwidth_punctuation(text: str) -> list[Edit]:
    """Half-width punctuation in Chinese context -> full width.

    Parentheses first (pairs decide together), then the full stop, then ``,;:?!``;
    each step sees the previous one's result. All edits are one-character swaps.

    >>> from textrepair.edits import apply_edits
    >>> text = "通过巡回,推进工作."
    >>> apply_edits(text, fullwidth_punctuation(text))
    '通过巡回，推进工作。'
    """
    edits: list[Edit] = []
    for step in (_paren_edits, _full_stop_edits, _clause_punct_edits):
        new = step(text)
        edits += new
        text = _substitute(text, new)
    return edits


# --- lines ------------------------------------------------------------------------------


def _column_width(lines: Sequence[str]) -> int | None:
    """The wrap width, if most lines followed by another non-blank line share one length, at
    least :data:`MIN_COLUMN_WIDTH`, and most of the lines that long end inside a sentence.

    Lines that end because the column ended are all (about) this long, and where they end
    is where the column ran out, mostly inside a clause; clean text, one paragraph per
    line, has no such mode, and a poem's lines or a list's items, however alike in length,
    each end where their sense does (at punctuation, before the next item's marker, or
    under the narrowest column).
    """
    pairs = [(a.strip(), b.strip()) for a, b in zip(lines, lines[1:], strict=False)]
    pairs = [(a, b) for a, b in pairs if a and b]  # a line followed by another non-blank one
    if len(pairs) < 3:
        return None
    lengths = [len(a) for a, _ in pairs]
    width, count = Counter(lengths).most_common(1)[0]
    near = sum(abs(n - width) <= 1 for n in lengths)
    if width < MIN_COLUMN_WIDTH or count < 3 or near * 2 <= len(lengths):
        return None
    full = [(a, b) for a, b in pairs if abs(len(a) - width) <= 1]
    inside = sum(a[-1] not in _LINE_END and not _HEADING.match(b) for a, b in full)
    return width if inside * 2 > len(full) else None


def column_width(text: str) -> int | None:
    """The width a text's lines were wrapped at (:func:`_column_width`), or None if it shows
    none."""
    return _column_width(text.split("\n"))


def _is_running_text(logical: str) -> bool:
    """A sentence in progress, not a title or a bare heading."""
    if not any(c in _SENTENCE_PUNCT for c in logical):
        return False
    return not _HEADING.match(logical.lstrip(_HSPACE)) or "。" in logical


def _is_join_char(ch: str) -> bool:
    """A character a wrapped line can end or start with: Chinese or part of a number."""
    return _is_cjk(ch) or ch in _NUMBER


def _should_join(logical: str, prev: str, nxt: str, width: int | None, columns: bool) -> bool:
    """Whether the newline between line *prev* and line *nxt* is a wrap inside a paragraph.

    *logical* is the paragraph so far (ending with *prev*). Never when *nxt* is blank or
    indented. With *columns* (column-width lines and blank lines between paragraphs)
    every other newline is a wrap, except between two Latin letters (a space may be
    lost) and before a heading unless *prev* is a full column line that does not end a
    sentence. Otherwise both sides must be Chinese or part of a number, *nxt* not a
    heading, and the evidence one of: *nxt* starts with punctuation that cannot start
    a line; *prev* ends with ``，`` or ``、``; *prev* ends with Han or a digit and is a
    full column line or part of running text.
    """
    body = prev.rstrip(_HSPACE)
    if not body or not nxt or nxt[0] in _HSPACE:
        return False
    last, first = body[-1], nxt[0]
    full_line = width is not None and len(body.strip(_HSPACE)) >= width - 1
    if _HEADING.match(nxt):
        return columns and full_line and last not in _SENTENCE_END
    if columns:
        return not (_is_ascii_letter(last) and _is_ascii_letter(first))
    if not (_is_join_char(last) and _is_join_char(first)):
        return False
    if first in _NO_LINE_START:
        return True
    if not (_is_han(first) or first.isdigit() or first in _OPENERS):
        return False
    if last in "，、":
        return True
    if not (_is_han(last) or last.isdigit()) or (last.isdigit() and first.isdigit()):
        return False
    return full_line or _is_running_text(logical)


def join_wrapped_lines(text: str) -> list[Edit]:
    """Remove newlines (and trailing spaces) that wrap a paragraph; keep paragraph breaks.

    >>> from textrepair.edits import apply_edits
    >>> text = ("坚持以人民为中心推进\\n健康中国建设，提高人\\n民健康水平，实现全民\\n"
    ...         "健康。\\n\\n二、总体要求\\n")
    >>> apply_edits(text, join_wrapped_lines(text))
    '坚持以人民为中心推进健康中国建设，提高人民健康水平，实现全民健康。\\n\\n二、总体要求\\n'
    """
    lines = text.split("\n")
    width = _column_width(lines)
    columns = width is not None and sum(not ln.strip() for ln in lines) >= 2
    edits: list[Edit] = []
    offset = 0
    logical = ""
    for prev, nxt in zip(lines, lines[1:], strict=False):
        logical += prev
        end = offset + len(prev)
        if _should_join(logical, prev, nxt, width, columns):
            body_end = offset + len(prev.rstrip(_HSPACE))
            edits.append(Edit(body_end, text[body_end : end + 1], "", 0.85, "layout"))
        else:
            logical = ""
        offset = end + 1
    return edits


# --- spaces -----------------------------------------------------------------------------


def _number_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` over the number characters (digits, ``.``, ``%``) around it."""
    while start > 0 and text[start - 1] in _NUMBER:
        start -= 1
    while end < len(text) and text[end] in _NUMBER:
        end += 1
    return start, end


def _is_join_space(text: str, start: int, end: int) -> bool:
    """A space run a column join left inside Chinese text.

    Between two Chinese characters; between Chinese and a number (``到 2025年``,
    ``20% 以上``); or splitting a number that Chinese encloses (``到20 25年``).
    Dashes and ellipses do not count as Chinese next to a number (``— 18 —``) unless
    they join two numbers (``1— 2``).
    """
    if start == 0 or end == len(text):
        return False
    a, b = text[start - 1], text[end]
    if _is_cjk(a) and _is_cjk(b):
        return True
    if _is_number_neighbour(a) and b in _NUMBER or a in _NUMBER and _is_number_neighbour(b):
        return True
    if a == "—" and b.isdigit() and start >= 2 and text[start - 2].isdigit():
        return True
    if a in _NUMBER and b in _NUMBER:
        left, right = _number_span(text, start - 1, end + 1)
        return (
            0 < left
            and right < len(text)
            and all(map(_is_number_neighbour, (text[left - 1], text[right])))
        )
    return False


def _is_number_neighbour(ch: str) -> bool:
    """Chinese that sits right next to a number in running text."""
    return _is_cjk(ch) and ch not in "—…·"


def inside_words(text: str, start: int, end: int) -> bool:
    """A space run ``text[start:end]`` with two Han characters on each side.

    A column join inside running text, not the letter-spacing of a title
    (``欢 迎 阅 读``) or a list number (``1. 请``).
    """
    return (
        start >= 2
        and end + 2 <= len(text)
        and all(_is_han(text[i]) for i in (start - 2, start - 1, end, end + 1))
    )


def _after_marker(text: str, start: int) -> bool:
    """The space at *start* follows the article number that starts a line (``第一条　总则``:
    how rules and laws set their articles; an engine's space after ``（五）`` goes)."""
    lo = max(0, start - _ARTICLE_REACH)
    newline = text.rfind("\n", lo, start)
    if newline < 0 and lo > 0:
        return False  # the line began further back than any article number reaches
    return bool(_ARTICLE.fullmatch(text[newline + 1 : start].lstrip(_HSPACE)))


def remove_column_wrap_spaces(text: str) -> list[Edit]:
    """Delete space runs that joined newspaper column lines inside Chinese text.

    Only when the text shows the column pattern (at least :data:`_MIN_JOINS` such
    runs inside words, :func:`inside_words`, and one per :data:`_HAN_PER_JOIN` Han
    characters): a lone space between Chinese words in clean text
    (``中共中央办公厅 国务院办公厅``) is a deliberate separator. So are spaces between
    most words (a segmenter's output, a list of keywords): more than one run per
    :data:`MIN_COLUMN_WIDTH` Han characters is denser than any column wraps. A space
    after the article number that starts a line (``第一条　总则``) stays too.
    Spaces at line edges, between Latin words, and between Han and Latin stay.

    >>> from textrepair.edits import apply_edits
    >>> text = ("全面推进健 康中国建设，不断提高人民健 康水平，"
    ...         "切实加强组 织领导，持续完善体 制机制。")
    >>> apply_edits(text, remove_column_wrap_spaces(text))
    '全面推进健康中国建设，不断提高人民健康水平，切实加强组织领导，持续完善体制机制。'
    >>> remove_column_wrap_spaces("中共中央办公厅 国务院办公厅")
    []
    >>> remove_column_wrap_spaces("我们 明天 一起 去 公园 散步")  # words spaced on purpose
    []
    """
    runs = [
        m
        for m in _SPACE_RUN.finditer(text)
        if _is_join_space(text, m.start(), m.end()) and not _after_marker(text, m.start())
    ]
    han = len(_HAN.findall(text))
    inside = sum(inside_words(text, m.start(), m.end()) for m in runs)
    if inside < _MIN_JOINS or inside * _HAN_PER_JOIN < han:
        return []
    if inside * MIN_COLUMN_WIDTH > han:  # denser than any column wraps: words spaced on purpose
        return []
    return [Edit(m.start(), m.group(), "", 0.95, "layout") for m in runs]


# --- composition ------------------------------------------------------------------------

#: The fixes, in the order :func:`fix_layout` runs them.
FIXES: tuple[Fix, ...] = (
    normalize_quotes,
    complete_heading_parens,
    fullwidth_punctuation,
    join_wrapped_lines,
    remove_column_wrap_spaces,
)


def _lift(edit: Edit, origin: Sequence[int], source: str) -> list[Edit]:
    """Map an edit on an intermediate text to edits on *source*.

    ``origin[i]`` is the source index of intermediate character ``i`` (with a final
    entry for the end). A deletion spanning characters removed earlier splits into
    one edit per contiguous source run.
    """
    if not edit.old:
        return [Edit(origin[edit.offset], "", edit.new, edit.confidence, edit.reason)]
    if edit.new:
        src = origin[edit.offset]
        if len(edit.old) != 1 or source[src] != edit.old:
            raise ValueError(f"a fix rewrote text changed by an earlier fix: {edit}")
        return [Edit(src, edit.old, edit.new, edit.confidence, edit.reason)]
    positions = origin[edit.offset : edit.offset + len(edit.old)]
    pieces: list[list[int]] = []
    for p in positions:
        if pieces and pieces[-1][-1] + 1 == p:
            pieces[-1].append(p)
        else:
            pieces.append([p])
    return [
        Edit(run[0], source[run[0] : run[-1] + 1], "", edit.confidence, edit.reason)
        for run in pieces
    ]


def _track(text: str, origin: list[int], edits: Sequence[Edit]) -> tuple[str, list[int]]:
    """Apply *edits* to *text* and carry the source index of each surviving character.

    Inserted characters take the source index of the character they precede.
    """
    chars = list(text)
    carried = list(origin)
    for e in sorted(edits, key=lambda e: (e.offset, len(e.old) > 0), reverse=True):
        stop = e.offset + len(e.old)
        kept = carried[e.offset] if e.new and e.old else carried[stop]
        chars[e.offset : stop] = e.new
        carried[e.offset : stop] = [kept] * len(e.new)
    return "".join(chars), carried


def fix_layout(text: str, fixes: Sequence[Fix] = FIXES) -> tuple[str, list[Edit]]:
    """Run *fixes* in order; return the repaired text and its edits on *text*.

    Edits are sorted by offset; ``apply_edits(text, edits)`` equals the repaired text.

    >>> fix_layout("在 Vim 中输入 :q! 退出,然后(重新)开始.")[0]
    '在 Vim 中输入 :q! 退出，然后（重新）开始。'
    """
    current, origin = text, list(range(len(text) + 1))
    edits: list[Edit] = []
    for fix in fixes:
        step = fix(current)
        edits += [lifted for e in step for lifted in _lift(e, origin, text)]
        current, origin = _track(current, origin, step)
    edits.sort(key=lambda e: (e.offset, len(e.old) > 0))
    return current, edits
