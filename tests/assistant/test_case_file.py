"""The reading's provision checks against a store (article exists? in force on the file's date?), the quotes of file
passages and their verification, and the private passage search of one conversation."""

from __future__ import annotations

import datetime as dt

import numpy as np

from assistant.answer import FileSource
from assistant.case_file.answer import best_quote, file_citations, file_text, verify_file_citations
from assistant.case_file.reading import check_provisions
from corpus.case_file import read_case_file, split_passages
from indexing.passages import PassageIndex

OLD = ("QUỐC HỘI\nSố: 68/2014/QH13\nHà Nội, ngày 26 tháng 11 năm 2014\nLUẬT\nDOANH NGHIỆP\nĐiều 1. Phạm vi\n"
       "Luật này quy định về doanh nghiệp.\nĐiều 2. Hiệu lực thi hành\nLuật này có hiệu lực thi hành từ ngày 01 tháng "
       "7 năm 2015.\n")
NEW = ("QUỐC HỘI\nSố: 59/2020/QH14\nHà Nội, ngày 17 tháng 6 năm 2020\nLUẬT\nDOANH NGHIỆP\nĐiều 1. Phạm vi\n"
       "Luật này quy định về doanh nghiệp.\nĐiều 2. Điều khoản thi hành\n1. Luật này có hiệu lực thi hành từ ngày 01 "
       "tháng 01 năm 2021.\n2. Luật Doanh nghiệp số 68/2014/QH13 hết hiệu lực kể từ ngày Luật này có hiệu lực thi "
       "hành.\n")
FILE = ("Hà Nội, ngày 10 tháng 3 năm 2022\nĐƠN KHỞI KIỆN\nCăn cứ Điều 1 Luật Doanh nghiệp số 68/2014/QH13, Điều 1 "
        "Luật Doanh nghiệp số 59/2020/QH14, Điều 7 Luật Doanh nghiệp số 59/2020/QH14 và Điều 5 Luật Nuôi cá.")


def test_provisions_are_checked_against_the_store_on_the_file_s_date(tmp_path, store):
    from corpus.ingest import ingest

    for name, text in {"old.txt": OLD, "new.txt": NEW}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest(store, "laws", [tmp_path / "old.txt", tmp_path / "new.txt"])
    facts = read_case_file(split_passages([FILE]), pages=[FILE], known_names=store.resolver("laws").names())
    assert facts.date == dt.date(2022, 3, 10)
    checks = {(c.document_id, c.article): c for c in check_provisions(store, "laws", facts.provisions, facts.date)}
    assert checks[("68/2014/QH13", "1")].status == "not_in_force" and "hết hiệu lực" in checks[
        ("68/2014/QH13", "1")].note
    assert checks[("59/2020/QH14", "1")].status == "ok" and not checks[("59/2020/QH14", "1")].flagged
    assert checks[("59/2020/QH14", "7")].status == "no_such_article" and checks[("59/2020/QH14", "7")].flagged
    assert checks[(None, "5")].status == "unresolved" and not checks[(None, "5")].flagged
    early = check_provisions(store, "laws", facts.provisions, dt.date(2020, 8, 1))  # before the new law's effect
    assert {(c.document_id, c.article): c.status for c in early}[("59/2020/QH14", "1")] == "not_in_force"


def source(text: str, passage: int = 0, score: float = 1.0) -> FileSource:
    return FileSource(file_id="f", file_name="đơn khởi kiện", passage=passage, page=2, paragraph=3, text=text,
                      score=score, lexical=score)


def test_file_quotes_are_verified_against_the_passage_retrieved():
    long = "Phần mở đầu không liên quan. " * 20 + "Bị đơn đặt tổ ong cách nhà 3 mét. " + "Phần kết. " * 20
    sources = [source(long), source("Đoạn khác về con trai bị ong đốt.", 1, 0.9), source("Xa.", 2, 0.1)]
    assert best_quote("tổ ong cách nhà bao nhiêu mét", long).startswith("Bị đơn đặt tổ ong cách nhà 3 mét.")
    cits = file_citations("tổ ong cách nhà bao nhiêu mét", sources)
    assert [c.passage for c in cits] == [0, 1]  # the third scores below half the best
    texts = {("f", 0): long, ("f", 1): "Đoạn khác về con trai bị ong đốt."}
    kept, removed = verify_file_citations(cits, sources, lambda fid, n: texts.get((fid, n)))
    assert removed == 0 and all(c.verified for c in kept)
    assert "Tệp: đơn khởi kiện, trang 2, đoạn 3" in file_text(kept)
    forged = [cits[0].model_copy(update={"quote": "Bị đơn không đặt tổ ong nào."}),
              cits[1].model_copy(update={"passage": 7})]  # not in the passage; not retrieved
    assert verify_file_citations(forged, sources, lambda fid, n: texts.get((fid, n))) == ([], 2)


def test_the_passage_index_fuses_words_and_vectors_and_ignores_unknown_words():
    index = PassageIndex(["a", "b", "c"], [["tổ", "ong", "cách", "nhà"], ["con_trai", "bị", "ong", "đốt"], []],
                         np.eye(3, dtype=np.float32))
    hits = index.search(["tổ", "ong"], k=3, query_vector=np.array([0, 0, 1], dtype=np.float32))
    assert hits[0].key == "a" and {h.key for h in hits} == {"a", "b", "c"}
    assert {h.key: h.lexical > 0 for h in hits} == {"a": True, "b": True, "c": False}
    assert index.search(["không_có"], k=3) == []
