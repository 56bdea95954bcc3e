from corpus.text import fold, merge_tone_placements, normalize_quote_marks, normalize_tones


def test_tone_placement_variants_normalize_to_one_form():
    assert normalize_tones("hoà bình") == "hòa bình"
    assert normalize_tones("khoẻ") == "khỏe"
    assert normalize_tones("thuỷ sản") == "thủy sản"
    assert normalize_tones("Uỷ ban") == "Ủy ban"
    assert normalize_tones("HOÀ") == "HÒA"
    # a final consonant fixes the placement; "qu" is a consonant
    for word in ("hoàn thành", "thuyền", "quý", "khuỷu tay"):
        assert normalize_tones(word) == word


def test_merged_tone_placements_compare_equal_anywhere_in_a_syllable():
    assert merge_tone_placements("hòa bình") == merge_tone_placements("hoà bình") == "hoà bình"
    assert merge_tone_placements("ủy ban") == merge_tone_placements("uỷ ban")
    assert merge_tone_placements("đọan") == merge_tone_placements("đoạn") == "đoạn"  # a misspelling matches too
    assert merge_tone_placements("khoản") == "khoản"


def test_quote_marks_and_fold():
    assert normalize_quote_marks("“a” „b« »c‘ ’d") == "\"a\" \"b\" \"c' 'd"
    assert fold("Đúng") == "dung" and fold("KHÔNG ĐÚNG") == "khong dung"
