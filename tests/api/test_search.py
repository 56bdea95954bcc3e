"""``GET /v1/search`` for clerks: ranking, filters, date range, pages, highlights, facets, bad parameters."""

from __future__ import annotations

import re

import pytest

from api.highlight import mark, query_terms, snippet_and_highlight


def search(client, users, **params):
    r = client.get("/v1/search", params=params, headers=users["clerk"]["headers"])
    assert r.status_code == 200, r.text
    return r.json()


def test_results_have_the_contract_fields_and_the_best_first(client, users):
    body = search(client, users, q="người phạm tội tự thú được giảm nhẹ")
    assert body["query"] == "người phạm tội tự thú được giảm nhẹ" and body["page"] == 1 and body["took_ms"] >= 0
    top = body["results"][0]
    assert set(top) >= {"rank", "score", "document_id", "document_title", "document_type", "status", "article",
                        "title", "snippet", "highlight", "text"}
    assert (top["document_id"], top["article"], top["rank"]) == ("100/2015/QH13", "51", 1)
    assert top["document_type"] == "Bộ luật" and "tự thú" in top["text"]


def test_every_result_shares_a_word_with_the_query(client, users):
    body = search(client, users, q="tổ ong")
    assert body["total"] == len(body["results"]) >= 2
    for r in body["results"]:
        assert "<mark>" in r["highlight"], r


def test_highlight_marks_query_words_and_escapes_the_rest(client, users):
    results = search(client, users, q="Tự Thú <script>alert</script>")["results"]
    top = next(r for r in results if r["article"] == "51")
    assert "<mark>tự thú</mark>" in top["highlight"]
    assert "<script" not in top["highlight"]
    assert re.sub(r"</?mark>", "", top["highlight"]).replace("&amp;", "&") == top["snippet"]


def test_facets_count_the_filtered_hits(client, users):
    body = search(client, users, q="ong nuôi tổ", page_size=1)
    facets = body["facets"]
    assert sum(f["count"] for f in facets["documents"]) == body["total"]
    assert sum(f["count"] for f in facets["types"]) == body["total"]
    assert sum(f["count"] for f in facets["statuses"]) == body["total"]
    labels = {f["value"]: f["label"] for f in facets["documents"]}
    assert labels["99/2019/QH14"] == "Luật Nuôi ong" and "15/2020/NĐ-CP" in labels
    assert {f["value"] for f in facets["types"]} == {"Luật", "Nghị định"}
    assert len(body["results"]) == 1  # the facets cover all hits, not just this page


def test_filters_by_document_type_and_status(client, users):
    body = search(client, users, q="ong", document="15/2020/NĐ-CP")
    assert body["results"] and {r["document_id"] for r in body["results"]} == {"15/2020/NĐ-CP"}
    body = search(client, users, q="ong", type="Luật")
    assert body["results"] and {r["document_type"] for r in body["results"]} == {"Luật"}
    both = client.get("/v1/search", params=[("q", "ong"), ("type", "Luật"), ("type", "Nghị định")],
                      headers=users["clerk"]["headers"]).json()
    assert {r["document_type"] for r in both["results"]} == {"Luật", "Nghị định"}
    statuses = {r["status"] for r in both["results"]}
    assert search(client, users, q="ong", status=statuses.pop())["total"] > 0
    assert search(client, users, q="ong", status="Hết hiệu lực")["total"] == 0


def test_date_range_on_the_issue_date(client, users):
    all_docs = {r["document_id"] for r in search(client, users, q="bồi thường thiệt hại")["results"]}
    assert {"100/2015/QH13", "99/2019/QH14"} <= all_docs
    later = {r["document_id"] for r in search(client, users, q="bồi thường thiệt hại", date_from="2019-01-01")[
        "results"]}
    assert "100/2015/QH13" not in later and "99/2019/QH14" in later
    earlier = search(client, users, q="bồi thường thiệt hại", date_to="2016-01-01")["results"]
    assert {r["document_id"] for r in earlier} == {"100/2015/QH13"}
    assert search(client, users, q="bồi thường", date_from="2030-01-01")["total"] == 0


def test_pages_partition_the_hits(client, users):
    full = search(client, users, q="ong tổ nuôi phạt", page_size=50)
    total = full["total"]
    assert total >= 3
    pages = [search(client, users, q="ong tổ nuôi phạt", page=p, page_size=2) for p in range(1, total // 2 + 2)]
    keys = [(r["document_id"], r["article"]) for p in pages for r in p["results"]]
    assert keys == [(r["document_id"], r["article"]) for r in full["results"]]
    assert [r["rank"] for p in pages for r in p["results"]] == list(range(1, total + 1))
    assert all(p["total"] == total for p in pages)
    assert search(client, users, q="ong", page=99)["results"] == []


def test_a_named_article_comes_first(client, users):
    top = search(client, users, q="Điều 123 Bộ luật Hình sự")["results"][0]
    assert (top["document_id"], top["article"]) == ("100/2015/QH13", "123")


def test_no_match_is_an_empty_result(client, users):
    body = search(client, users, q="xyzzy quasar")
    assert body["total"] == 0 and body["results"] == [] and body["facets"]["documents"] == []


@pytest.mark.parametrize("params,field", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 1001}, "q"),
    ({"q": "ong", "page": 0}, "page"), ({"q": "ong", "page_size": 51}, "page_size"),
    ({"q": "ong", "date_from": "2020-13-01"}, "date_from"), ({"q": "ong", "date_to": "hôm qua"}, "date_to"),
    ({"q": "ong", "date_from": "2020-01-02", "date_to": "2020-01-01"}, "date_from"),
    ({"q": "ong", "corpus": "../../etc"}, "corpus"), ({"q": "a\u0000b"}, "q"),
])
def test_bad_parameters_name_the_field(client, users, params, field):
    r = client.get("/v1/search", params=params, headers=users["clerk"]["headers"])
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]


def test_unknown_corpus_is_not_found(client, users):
    r = client.get("/v1/search", params={"q": "ong", "corpus": "khong-co"}, headers=users["clerk"]["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_corpus"


# -- the highlighting functions -----------------------------------------------------------------------------------
def test_words_typed_without_diacritics_match_every_accented_form():
    _, html = snippet_and_highlight("Người phạm tội tự thú; Tư thù", "TU THU")
    assert html == "Người phạm tội <mark>tự thú</mark>; <mark>Tư thù</mark>"


def test_words_typed_with_diacritics_match_only_themselves_case_insensitively():
    _, html = snippet_and_highlight("Tội phạm tới tôi", "tội")
    assert html == "<mark>Tội</mark> phạm tới tôi"


def test_nfd_input_is_matched_as_nfc():
    import unicodedata

    _, html = snippet_and_highlight(unicodedata.normalize("NFD", "Người tự thú"),
                                    unicodedata.normalize("NFD", "tự thú"))
    assert html == "Người <mark>tự thú</mark>"


def test_function_syllables_alone_are_not_marked():
    terms = query_terms("của và được tự thú")
    assert terms.key("của") is None and terms.key("tự") == "tự"


def test_snippet_centres_on_the_densest_matches():
    text = ("Lời mở đầu rất dài. " * 30) + "Người phạm tội tự thú thì được giảm nhẹ." + (" Phần sau." * 30)
    snippet, html = snippet_and_highlight(text, "tự thú giảm nhẹ", width=120)
    assert snippet.startswith("…") and snippet.endswith("…") and "tự thú" in snippet and len(snippet) <= 122
    assert "<mark>tự thú</mark>" in html and "<mark>giảm nhẹ</mark>" in html


def test_mark_escapes_everything_outside_and_inside():
    assert mark("a<b> & \"c\"", [(0, 1)]) == "<mark>a</mark>&lt;b&gt; &amp; &quot;c&quot;"
    assert mark("<x>", [(0, 3)]) == "<mark>&lt;x&gt;</mark>"
