from indexing.segment import Segmenter, text_key, tokenize


def test_tone_placement_variants_give_the_same_tokens():
    assert tokenize("thuỷ") == tokenize("thủy")
    assert tokenize("hoà bình") == tokenize("hòa bình")


def test_nfd_input_gives_the_same_tokens():
    import unicodedata

    text = "Người nghiện ma túy"
    assert tokenize(unicodedata.normalize("NFD", text)) == tokenize(text)


def test_tokens_lowercase_joined_keep_single_letters_drop_punctuation():
    toks = tokenize("Tòa án áp dụng điểm a) khoản 1 Điều 5; quản lý nhà nước!")
    assert "tòa_án" in toks
    assert "a" in toks and "1" in toks and "5" in toks
    assert all(any(c.isalnum() for c in t) for t in toks)
    assert all(t == t.lower() for t in toks)
    assert ";" not in toks and ")" not in toks


def test_cache_hits_and_disk_persistence(tmp_path):
    path = tmp_path / "seg.jsonl"
    seg = Segmenter(cache_path=path)
    a = seg.segment("Luật Viên chức")
    assert seg.misses == 1
    assert seg.segment("Luật Viên chức") == a and seg.hits == 1
    again = Segmenter(cache_path=path)
    assert len(again) == 1
    assert again.segment("Luật Viên chức") == a and again.misses == 0
    assert text_key("Luật") == text_key("Luật")


def test_segment_many_in_order_and_parallel_equals_serial():
    texts = ["Quyền của viên chức", "Nghĩa vụ của công dân", "Quyền của viên chức", "Tòa án nhân dân"] * 10
    serial = Segmenter().segment_many(texts, workers=1)
    parallel = Segmenter(parallel_threshold=2).segment_many(texts, workers=2)
    assert serial == parallel
    assert serial[0] == serial[2]
    assert len(serial) == len(texts)


def test_a_bounded_cache_keeps_the_newest_results():
    from indexing.segment import Segmenter

    seg = Segmenter(cache_path=None, max_entries=2)
    first = seg.segment("người phạm tội tự thú")
    seg.segment("viên chức thôi việc")
    assert seg.segment_many(["hợp đồng lao động", "người phạm tội tự thú"], workers=1)[1] == first
    assert len(seg) == 2 and seg.misses == 3
    assert seg.segment("người phạm tội tự thú") == first and seg.misses == 4  # dropped for the newer, segmented again
