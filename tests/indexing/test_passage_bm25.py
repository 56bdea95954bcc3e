"""BM25 over article passages (indexing/passage_bm25.py): windows, the best window per article, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from indexing.passage_bm25 import STRIDE, WINDOW, PassageBM25, windows


def test_windows_cover_the_body_with_the_title_before_each():
    title = ["tự_thú"]
    assert windows(title, ["a"] * 10) == [title + ["a"] * 10]
    body = [f"w{i}" for i in range(WINDOW + STRIDE + 5)]
    cut = windows(title, body)
    assert all(w[0] == "tự_thú" and len(w) <= WINDOW + 1 for w in cut)
    assert cut[0][1:] == body[:WINDOW] and cut[1][1] == body[STRIDE]
    assert body[-1] in cut[-1]  # the end of the body is read
    assert windows([], []) == [[]]


def _filler(n: int, tag: str) -> list[str]:
    return [f"{tag}{i}" for i in range(n)]


def test_a_long_article_whose_passage_answers_beats_its_whole_text_score():
    titles = [["thời_hạn"], ["kháng_cáo"], ["khác"]]
    # article 0: the answer deep inside a long body; article 1: the query words spread thin; article 2: none
    bodies = [_filler(200, "x") + ["kháng_cáo", "bản_án", "sơ_thẩm", "15", "ngày"] + _filler(200, "y"),
              ["bản_án"] + _filler(150, "z") + ["sơ_thẩm"] + _filler(150, "v"),
              _filler(30, "u")]
    index = PassageBM25.build(titles, bodies)
    assert len(index) == 3
    best = index.best(["kháng_cáo", "bản_án", "sơ_thẩm"], [0, 1, 2])
    assert best[0] > best[1] > 0 and best[2] == 0
    alone = index.best(["kháng_cáo"], [0])[0]
    assert index.best(["kháng_cáo"], [2, 0]).tolist() == [0.0, alone]  # in the order asked
    assert index.best(["không_có"], [0, 1]).tolist() == [0.0, 0.0]  # no known word
    assert index.best(["kháng_cáo"], []).shape == (0,)


def test_saved_passages_load_with_the_same_scores(tmp_path):
    index = PassageBM25.build([["a"], ["b"]], [_filler(100, "x") + ["c"], ["c", "d"]])
    index.save(tmp_path / "p")
    again = PassageBM25.load(tmp_path / "p", mmap=True)
    assert np.allclose(again.best(["c", "d"], [0, 1]), index.best(["c", "d"], [0, 1]))
    config = json.loads((tmp_path / "p" / "config.json").read_text())
    (tmp_path / "p" / "config.json").write_text(json.dumps({**config, "window": 10}))
    with pytest.raises(ValueError, match="rebuild the index"):
        PassageBM25.load(tmp_path / "p")
