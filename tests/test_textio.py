"""Encoding detection, atomic writes and bounded-memory line streaming."""

from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textrepair.errors import InputError
from textrepair.textio import (
    AtomicWriter,
    EncodingDetector,
    decode_bytes,
    iter_chunks,
    iter_paragraphs,
    read_text_file,
    write_text_atomic,
)

TEXT = (
    "关于进一步完善医疗卫生服务体系的意见\n一、总体要求（2025年）：坚持以人民为中心，“保基本、"
    "强基层”。\r\nABC 123\n"
)

ENCODED = {
    "utf-8": (TEXT.encode("utf-8"), "utf-8"),
    "utf-8 BOM": (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    "utf-16 LE BOM": (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    "utf-16 BE BOM": (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    "gb18030": (TEXT.encode("gb18030"), "gb18030"),
    "gbk": (TEXT.encode("gbk"), "gb18030"),
}


#: traditional Chinese (Big5) and Japanese (Shift-JIS) sentences, written for these tests
TRADITIONAL = "歡迎閱讀本說明，這是繁體中文的文字。我們在這裡練習移動游標與編輯檔案。\n"
JAPANESE = "これは日本語の文章です。漢字とかなを含み、シフトJISで書かれています。\n"


def test_big5_is_decided_by_charset_normalizer_and_decoded() -> None:
    raw = TRADITIONAL.encode("big5")
    raw.decode("gb18030")  # GB18030 decodes these bytes too (into other characters)
    assert decode_bytes(raw) == (TRADITIONAL, "big5")


def test_shift_jis_is_refused_as_japanese_naming_the_file() -> None:
    raw = JAPANESE.encode("cp932")
    raw.decode("gb18030")  # before: decoded as GB18030 mojibake, exit 0
    with pytest.raises(InputError, match=r"^scan\.txt: Japanese Shift-JIS text, not Chinese"):
        decode_bytes(raw, "scan.txt")


@pytest.mark.parametrize("label", list(ENCODED))
def test_each_encoding_decodes_to_the_same_text(label: str) -> None:
    raw, expected = ENCODED[label]
    text, encoding = decode_bytes(raw)
    assert text == TEXT
    assert encoding == expected


def test_ascii_and_empty_are_utf8() -> None:
    assert decode_bytes(b"") == ("", "utf-8")
    assert decode_bytes(b"plain text\n") == ("plain text\n", "utf-8")


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"PK\x03\x04\x00\x00binary", "NUL"),
        (TEXT.encode("utf-16-le"), "byte-order mark"),  # UTF-16 without BOM is refused, not guessed
        (codecs.BOM_UTF8 + b"abc\x00def", "NUL"),
        (b"\x1b\x1b\x1b\x02\x03 text", "control characters"),
        ("café résumé naïve façade".encode("latin-1"), "neither UTF-8 nor Chinese"),
        ("中文\x01内容".encode("gbk"), "control"),  # GB18030 must have no control characters
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "invalid UTF-16"),  # lone surrogate
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_binary_or_undecodable_is_refused_with_one_line(raw: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(raw, "some/file.bin")
    message = str(info.value)
    assert message.startswith("some/file.bin: ")
    assert fragment.lower() in message.lower()
    assert "\n" not in message


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="中文医疗卫生服务体系，。、“”（）abc 12\n", min_size=1, max_size=200),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    cuts=st.lists(st.integers(min_value=0, max_value=1000), max_size=8),
)
def test_feeding_in_any_blocks_gives_the_whole_buffer_answer(
    text: str, encoding: str, cuts: list[int]
) -> None:
    raw = text.encode(encoding)
    try:
        expected: str | type[InputError] = decode_bytes(raw)[1]
    except InputError:
        expected = InputError
    detector = EncodingDetector()
    bounds = sorted({0, len(raw), *(c % (len(raw) + 1) for c in cuts)})
    for start, end in zip(bounds, bounds[1:]):
        detector.feed(raw[start:end])
    try:
        got: str | type[InputError] = detector.finish()
    except InputError:
        got = InputError
    assert got == expected


def test_read_text_file(tmp_path) -> None:
    path = tmp_path / "文件 名.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    assert read_text_file(path) == (TEXT, "gb18030")
    with pytest.raises(InputError, match="cannot read"):
        read_text_file(tmp_path / "missing.txt")


def test_write_text_atomic_replaces_and_leaves_no_temp(tmp_path) -> None:
    target = tmp_path / "deep" / "out.txt"
    write_text_atomic(target, "旧")
    write_text_atomic(target, TEXT)
    assert target.read_bytes() == TEXT.encode("utf-8")  # line endings kept as given
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_atomic_writer_keeps_old_file_on_error(tmp_path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with AtomicWriter(target) as out:
            out.write("half of the new")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_iter_paragraphs_keeps_every_character() -> None:
    lines = list(iter_paragraphs(io.StringIO(TEXT, newline="")))
    assert "".join(lines) == TEXT
    assert len(lines) == 3


def test_iter_paragraphs_reports_an_overlong_line_without_reading_it_whole() -> None:
    stream = io.StringIO("短行\n" + "长" * 5000 + "\n后面\n", newline="")
    lines = iter_paragraphs(stream, max_chars=100)
    assert next(lines) == "短行\n"
    with pytest.raises(InputError, match=r"line 2 too long \(0\.0 M characters > limit"):
        next(lines)


def test_iter_chunks_short_text_is_one_piece() -> None:
    assert list(iter_chunks(io.StringIO(TEXT, newline=""))) == [TEXT]


def test_iter_chunks_cuts_only_at_line_ends() -> None:
    text = "".join(f"第{i}段内容。\n" for i in range(1000))
    pieces = list(iter_chunks(io.StringIO(text, newline=""), chunk_chars=500))
    assert "".join(pieces) == text
    assert len(pieces) > 10
    assert all(len(p) <= 500 and p.endswith("\n") for p in pieces)
