"""`thuky models train` as `make run` runs it: both learned models from the dev sets, skipped when nothing changed,
and one-line errors when what it needs is missing — on a tiny corpus and tiny dev sets, lexical only."""

from __future__ import annotations

import json

from tests.thuky.test_cli_search import _cli, home  # noqa: F401 - the fixture: a home with the test statute

QUESTIONS = [("Tổ ong phải đặt cách nhà ở liền kề ít nhất bao nhiêu mét?", "2"),
             ("Luật này quy định về việc gì?", "1"),
             ("Người nuôi ong có phải bồi thường thiệt hại do ong gây ra không?", "2"),
             ("Phạm vi điều chỉnh của luật về nuôi ong mật?", "1"),
             ("Khoảng cách đặt tổ ong với nhà ở liền kề là bao nhiêu?", "2")]


def _dev_data(root):
    (root / "alqac").mkdir(parents=True)
    (root / "zalo").mkdir()
    alqac = [{"question_id": f"a{i}", "question_type": "Tự luận", "text": t, "answer": "x",
              "relevant_articles": [{"law_id": "99/2099/QH99", "article_id": a}]} for i, (t, a) in enumerate(QUESTIONS)]
    zalo = [{"id": f"z{i}", "text": t, "relevant_articles": [{"law_id": "99/2099/qh99", "article_id": a}]}
            for i, (t, a) in enumerate(QUESTIONS)]
    outside = [{"id": f"o{i}", "text": t, "relevant_articles": []} for i, t in enumerate([
        "Mức phạt khi quay đầu xe ô tô trên đường cao tốc", "Thủ tục cấp giấy phép lái tàu bay",
        "Hồ sơ đăng ký thuốc cổ truyền gồm những gì?", "Lễ phục của sĩ quan quân đội", "Định mức tiêu hao vật tư"])]
    (root / "alqac" / "questions.json").write_text(json.dumps(alqac, ensure_ascii=False), encoding="utf-8")
    (root / "zalo" / "questions-statutes.json").write_text(json.dumps(zalo, ensure_ascii=False), encoding="utf-8")
    (root / "zalo" / "questions-outside.json").write_text(json.dumps(outside, ensure_ascii=False), encoding="utf-8")
    return root


def _train(home_dir, data, *args):
    return _cli(home_dir, "models", "train", *args, env={"THUKY_DATA_DIR": str(data)})


def test_missing_dev_sets_and_indexes_are_one_line_errors(home, tmp_path):  # noqa: F811 - runs first: no index yet
    r = _train(home, tmp_path / "nowhere")
    assert r.returncode == 1 and "dev set not found" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _train(home, _dev_data(tmp_path / "data"))
    assert r.returncode == 1 and "thuky index build --corpus" in r.stderr
    assert not (home / "models" / "ranker").exists()


def test_train_fits_both_models_and_skips_when_nothing_changed(home, tmp_path):  # noqa: F811
    src = home / "luat.txt"
    assert _cli(home, "ingest", "--corpus", "alqac", str(src)).returncode == 0
    for corpus in ("alqac", "statutes"):
        assert _cli(home, "index", "build", "--corpus", corpus, "--lexical-only").returncode == 0
    data = _dev_data(tmp_path / "data")
    r = _train(home, data)
    assert r.returncode == 0, r.stderr
    assert "ranker:" in r.stdout and "trained" in r.stdout and "confidence:" in r.stdout and "fitted" in r.stdout
    meta = json.loads((home / "models" / "ranker" / "meta.json").read_text())
    assert meta["trained_on"] == {"alqac": 5, "zalo": 5}
    model = json.loads((home / "models" / "confidence" / "model.json").read_text())
    assert model["meta"]["trained_on"] == {"alqac": 2, "zalo": 5, "outside": 5}  # a third of ALQAC's questions
    again = _train(home, data)
    assert again.returncode == 0 and again.stdout.count("up to date") == 2
    # the service's answers now carry the model's confidence
    r = _cli(home, "ask", "Tổ ong phải đặt cách nhà ở bao nhiêu mét?", "--corpus", "statutes", "--json")
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert 0.0 < answer["confidence"] < 1.0
