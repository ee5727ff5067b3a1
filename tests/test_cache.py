"""The disk cache of derived values: hits, torn entries, switched off; the cached binary model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from textrepair import api, cache


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(home))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return home


def test_a_value_is_built_once_per_key_and_read_back(cache_home: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"甲": 1}

    assert cache.cached("t", ["a"], build) == {"甲": 1}
    assert cache.cached("t", ["a"], build) == {"甲": 1}
    assert cache.cached("t", ["b"], build) == {"甲": 1}  # another key: built again
    assert len(calls) == 2 and len(list(cache_home.glob("t-*.pickle"))) == 2


def test_a_torn_entry_is_rebuilt_and_an_unwritable_cache_only_costs_time(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.cached("t", ["a"], lambda: list(range(100)))
    (entry,) = cache_home.glob("t-*.pickle")
    entry.write_bytes(entry.read_bytes()[:20])  # a write cut short
    assert cache.cached("t", ["a"], lambda: 2) == 2
    assert cache.cached("t", ["a"], lambda: 3) == 2  # the rebuilt entry is kept
    blocked = cache_home / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocked))
    assert cache.cached("t", ["a"], lambda: 4) == 4
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_home))
    assert cache.cached("t", ["a"], lambda: 5) == 5


def test_an_arpa_model_loads_from_its_cached_binary_form_and_scores_alike(
    cache_home: Path, tmp_path: Path
) -> None:
    from textrepair.lm import Model, estimate, write_arpa

    arpa = tmp_path / "m.arpa"
    write_arpa(estimate(["甲乙丙丁", "乙丙丁戊", "甲乙丁"], 3), arpa)
    first = api._load(str(arpa))
    (binary,) = cache_home.glob("model-*.npz")
    again = api._load(str(arpa))
    assert again.path == arpa  # its word counts and training text are found beside the ARPA
    texts = ["甲乙丙丁", "丁戊甲", "龘"]
    assert np.array_equal(again.score(texts), first.score(texts))
    assert np.array_equal(again.score(texts), Model(arpa).score(texts))
    binary.write_bytes(b"torn")
    assert np.array_equal(api._load(str(arpa)).score(texts), first.score(texts))


def test_a_compressed_binary_model_is_read_through_an_uncompressed_copy(
    cache_home: Path, tmp_path: Path
) -> None:
    import zipfile

    from textrepair.lm import Model, estimate

    packed = tmp_path / "general.npz"
    Model(ngram_model=estimate(["甲乙丙丁", "乙丙丁戊"], 3)).save(packed)  # compressed, as fetched
    model = cache.raw_model(packed)
    (copy,) = cache_home.glob("model-raw-*.npz")
    assert all(i.compress_type == zipfile.ZIP_STORED for i in zipfile.ZipFile(copy).infolist())
    assert model.path == packed
    texts = ["甲乙丙丁", "丁戊甲"]
    assert np.array_equal(model.score(texts), Model(packed).score(texts))


def test_the_similarity_curve_is_fitted_once_per_channel_and_glyph_space(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections import Counter

    from textrepair.ocr import channel as ch
    from textrepair.ocr.confusion import GlyphSpace

    unit = np.array([[1, 0, 0], [0.6, 0.8, 0], [0, 0, 1], [0, 0.6, 0.8]])
    glyphs = GlyphSpace(list("甲乙丙丁"), unit)
    seen = ch.Channel(Counter({("甲", "乙"): 3, ("丙", "丙"): 9, ("甲", "甲"): 5}))
    fits: list[int] = []
    fit = ch.fit_similarity

    def counted(*args: object) -> ch.SimilarityCurve:
        fits.append(1)
        return fit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ch, "fit_similarity", counted)
    first = ch.similarity_curve(seen, glyphs, list("甲乙丙丁"))
    assert first == fit(seen, glyphs, list("甲乙丙丁"))
    assert ch.similarity_curve(seen, glyphs, list("甲乙丙丁")) == first and len(fits) == 1
    # another channel (甲 read as 丙, unlike it), glyph space or vocabulary is fitted anew
    other = ch.Channel(Counter({("甲", "丙"): 3, ("丙", "丙"): 9, ("甲", "甲"): 5}))
    assert ch.similarity_curve(other, glyphs, list("甲乙丙丁")) != first
    moved = GlyphSpace(list("甲乙丙丁"), unit[[0, 3, 2, 1]])
    ch.similarity_curve(seen, moved, list("甲乙丙丁"))
    ch.similarity_curve(seen, glyphs, list("甲乙丙"))
    assert len(fits) == 4
    monkeypatch.setattr(ch, "CURVE_VERSION", ch.CURVE_VERSION + 1)  # the fit itself changed
    assert ch.similarity_curve(seen, glyphs, list("甲乙丙丁")) == first and len(fits) == 5


def test_a_confusion_table_and_a_channel_are_parsed_once_per_content(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textrepair.ocr import channel as ch
    from textrepair.ocr import confusion as cf

    table = tmp_path / "t.tsv"
    table.write_text("夭\t天\t0.8\twhole\n木\t林\t0.6\twhole\n", encoding="utf-8")
    channel = tmp_path / "c.tsv"
    ch.write_channel(ch.learn([("p", "甲乙丙丁" * 5, "甲己丙丁" * 5)]), channel)
    cf._cached.cache_clear()
    ch._cached.cache_clear()
    first_table, first_channel = cf.load_confusions(table), ch.load_channel(channel)
    assert len(list(cache_home.glob("confusion-*.pickle"))) == 1
    assert len(list(cache_home.glob("channel-*.pickle"))) == 1

    def parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(cf, "read_table", parse)
    monkeypatch.setattr(ch, "read_channel", parse)
    cf._cached.cache_clear()  # as a new process would
    ch._cached.cache_clear()
    again_table, again_channel = cf.load_confusions(table), ch.load_channel(channel)
    assert again_table is not first_table and again_channel is not first_channel
    assert again_table.candidates("夭") == first_table.candidates("夭")
    assert again_table.source == str(table.resolve())
    assert again_channel.confusions == first_channel.confusions
    assert again_channel.true_count == first_channel.true_count
    cf._cached.cache_clear()
    ch._cached.cache_clear()


@pytest.mark.parametrize(
    "general",
    [{"中国": 5, "人民": 3, "的": 40}, {}, {"": 2, "甲": 1}, {"甲\n乙": 2, "丙": 1}],
)
def test_a_word_model_comes_back_from_its_pickle_the_same(general: dict[str, int]) -> None:
    import pickle
    from collections import Counter

    from textrepair.dropped.lexicon import WordModel

    model = WordModel(Counter({"卫生": 2}), general=general)
    back = pickle.loads(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    assert back.logp == model.logp and list(back.logp) == list(model.logp)
    assert back.floor == model.floor
    assert "_words" not in vars(back) and "_logp" not in vars(back)
