"""The compact storage of the static model's two tables, its ONNX graph, and the conversion of a shipped model.

The model is two tables of 256-dim vectors, each row with one float coefficient (quantization scale x learned weight):
49,621 tokens and 65,536 hashed token-pair buckets. Stored as int8 rows they took 29.5 MB, and every retrain added that
to every clone of the repository. Stored here:
- token rows: 4-bit integers (-7..7), two per byte, with one float16 coefficient per row (the row's least-squares scale
  times the token's learned weight). The scale is chosen per row among clipped max-abs scales by squared error.
- pair rows: product quantization. Each 256-dim row (made unit length) is cut into 256/PAIR_SUBDIM sub-vectors; each
  sub-vector is the index (one byte) of the nearest of 256 centroids learned for that slice by k-means (seeded, so
  the conversion is reproducible); one float16 coefficient per row (least-squares scale x learned pair weight).
  A pair's vector is ~10x smaller than a token's in a text's sum, so it tolerates the coarser code.
The graph dequantizes only the gathered rows (never the whole table), so memory stays at the packed size.

Usage (convert the committed int8 model in place, or rebuild the graph of a compact one around its stored numbers;
export.py calls `compact` directly after a retrain):
  /usr/bin/python3 training/compact.py [--model models/code-static] [--fixture fixtures/embed/model-vectors.json]
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

OPSET = 13
BIGRAM_PRIME = 1_000_003  # as train.py (not imported: this file runs without torch)
TOKEN_LEVELS = 7  # 4-bit: -7..7 stored as 1..15
PAIR_SUBDIM = 4
PAIR_CENTROIDS = 256
KMEANS_ITERS = 12
KMEANS_SAMPLE = 16_384
SEED = 20261204
FORMAT = "int4 token rows (per-row scale) + product-quantized pair rows (4-dim sub-vectors, 256 centroids each); float16 coefficients and centroids"


def _fit_scale(x, r):
    """Per-row least-squares scale s minimizing |x - s r|."""
    rr = (r * r).sum(1)
    return np.where(rr > 0, (x * r).sum(1) / np.maximum(rr, 1e-30), 0.0).astype(np.float32)


def quantize_int4(x):
    """float rows [N, D] -> (packed uint8 [N, D/2]: dim j in the low nibble of byte j, dim j + D/2 in the high nibble,
    each the value + 8; scale float32 [N]). x ~= scale[:, None] * (nibble - 8)."""
    n, d = x.shape
    assert d % 2 == 0
    amax = np.abs(x).max(1)
    best_q = np.zeros(x.shape, np.int8)
    best_err = np.full(n, np.inf)
    for clip in (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6):
        s = amax * clip / TOKEN_LEVELS
        s[s == 0] = 1.0
        q = np.clip(np.round(x / s[:, None]), -TOKEN_LEVELS, TOKEN_LEVELS).astype(np.int8)
        err = ((x - _fit_scale(x, q.astype(np.float32))[:, None] * q) ** 2).sum(1)
        better = err < best_err
        best_q[better], best_err[better] = q[better], err[better]
    scale = _fit_scale(x, best_q.astype(np.float32))
    u = (best_q + 8).astype(np.uint8)
    packed = (u[:, : d // 2] | (u[:, d // 2:] << 4)).astype(np.uint8)
    return packed, scale


def unpack_int4(packed):
    lo = (packed & 0x0F).astype(np.float32) - 8
    hi = (packed >> 4).astype(np.float32) - 8
    return np.concatenate([lo, hi], axis=1)


def _kmeans(x, k, iters, rng):
    sample = x if len(x) <= KMEANS_SAMPLE else x[rng.choice(len(x), KMEANS_SAMPLE, replace=False)]
    c = sample[rng.choice(len(sample), k, replace=False)].copy()
    s2 = (sample * sample).sum(1)
    for _ in range(iters):
        a = (s2[:, None] - 2 * sample @ c.T + (c * c).sum(1)[None]).argmin(1)
        count = np.bincount(a, minlength=k)
        total = np.stack([np.bincount(a, weights=sample[:, i], minlength=k) for i in range(sample.shape[1])], axis=1)
        filled = count > 0
        c[filled] = total[filled] / count[filled, None]
        if not filled.all():  # an empty centroid restarts at a random point
            c[~filled] = sample[rng.choice(len(sample), int((~filled).sum()), replace=False)]
    codes = np.empty(len(x), np.int64)
    for i in range(0, len(x), 16_384):  # assign every row, in blocks
        b = x[i:i + 16_384]
        codes[i:i + 16_384] = ((b * b).sum(1)[:, None] - 2 * b @ c.T + (c * c).sum(1)[None]).argmin(1)
    return c.astype(np.float32), codes


def quantize_pq(x, subdim=PAIR_SUBDIM, k=PAIR_CENTROIDS, seed=SEED):
    """float rows [N, D] -> (codes uint8 [N, D/subdim], codebook float32 [D/subdim * k, subdim], scale float32 [N])."""
    n, d = x.shape
    assert d % subdim == 0 and k <= 256
    norm = np.linalg.norm(x, axis=1)
    unit = (x / np.where(norm > 0, norm, 1.0)[:, None]).astype(np.float32)
    rng = np.random.default_rng(seed)
    m = d // subdim
    codes = np.empty((n, m), np.uint8)
    books = np.empty((m, k, subdim), np.float32)
    for j in range(m):
        books[j], codes[:, j] = _kmeans(unit[:, j * subdim:(j + 1) * subdim], k, KMEANS_ITERS, rng)
    codebook = books.reshape(m * k, subdim)
    scale = _fit_scale(x, decode_pq(codes, codebook, k))
    return codes, codebook, scale


def decode_pq(codes, codebook, k=PAIR_CENTROIDS):
    n, m = codes.shape
    offsets = np.arange(m, dtype=np.int64) * k
    return codebook[codes.astype(np.int64) + offsets[None]].reshape(n, -1)


def compact(tokens, token_weight, pairs=None, pair_weight=None):
    """Float tables and their learned weights (exp(logw)) -> the stored arrays. Row 0 of the tokens ([PAD]) gets
    coefficient 0."""
    packed, tscale = quantize_int4(tokens.astype(np.float32))
    out = {"token_nibbles": packed, "token_coef": (tscale * token_weight).astype(np.float16)}
    out["token_coef"][0] = 0.0
    if pairs is not None:
        codes, codebook, pscale = quantize_pq(pairs.astype(np.float32))
        out.update(bigram_codes=codes, bigram_codebook=codebook.astype(np.float16),
                   bigram_coef=(pscale * pair_weight).astype(np.float16))
    return out


def dequantize(c):
    """The float tables the graph computes with (coefficients folded in): tokens [V, D], pairs [B, D] or None."""
    tokens = unpack_int4(c["token_nibbles"]) * c["token_coef"].astype(np.float32)[:, None]
    pairs = None
    if "bigram_codes" in c:
        book = c["bigram_codebook"].astype(np.float32)
        pairs = decode_pq(c["bigram_codes"], book) * c["bigram_coef"].astype(np.float32)[:, None]
    return tokens.astype(np.float32), None if pairs is None else pairs.astype(np.float32)


def reference(tokens, pairs, ids_list):
    """What the graph computes, in numpy float32: masked sum of token rows (+ pair rows), L2-normalized."""
    out = []
    for ids in ids_list:
        t = np.asarray(ids if ids else [0], dtype=np.int64)
        v = tokens[t].sum(0)
        if pairs is not None and len(t) > 1:
            v = v + pairs[(t[:-1] * BIGRAM_PRIME + t[1:]) % pairs.shape[0]].sum(0)
        out.append(v / max(float(np.linalg.norm(v)), 1e-12))
    return np.stack(out).astype(np.float32)


def _weighted_sum(coef, vectors, out):
    """coef [batch, seq] x vectors [batch, seq, dim] -> out [batch, dim]: one batched MatMul."""
    return [
        helper.make_node("Unsqueeze", [coef, "axis1"], [f"{coef}3"]),
        helper.make_node("MatMul", [f"{coef}3", vectors], [f"{out}3"]),
        helper.make_node("Squeeze", [f"{out}3", "axis1"], [out]),
    ]


def _pair_nodes():
    """Adds the pair rows of adjacent unmasked tokens to `pooled_tokens`, giving `pooled`."""
    return [
        helper.make_node("Shape", ["input_ids"], ["shape"]),
        helper.make_node("Gather", ["shape", "one_1d"], ["seq_len"], axis=0),
        helper.make_node("Sub", ["seq_len", "one_1d"], ["seq_less1"]),
        helper.make_node("Slice", ["input_ids", "zero_1d", "seq_less1", "one_1d"], ["left"]),
        helper.make_node("Slice", ["input_ids", "one_1d", "seq_len", "one_1d"], ["right"]),
        helper.make_node("Mul", ["left", "prime"], ["left_p"]),
        helper.make_node("Add", ["left_p", "right"], ["pair"]),
        helper.make_node("Mod", ["pair", "buckets"], ["bid"], fmod=0),
        # product quantization: codes [b, s-1, M] -> rows of the flat codebook (slice j: j * K + code) -> [b, s-1, D]
        helper.make_node("Gather", ["bigram_codes", "bid"], ["bcode8"], axis=0),
        helper.make_node("Cast", ["bcode8"], ["bcode"], to=TensorProto.INT64),
        helper.make_node("Add", ["bcode", "code_offsets"], ["bcentroid"]),
        helper.make_node("Gather", ["bigram_codebook", "bcentroid"], ["bparts16"], axis=0),
        helper.make_node("Cast", ["bparts16"], ["bparts"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["bparts", "pair_shape"], ["bg"]),
        helper.make_node("Gather", ["bigram_coef", "bid"], ["bc16"], axis=0),
        helper.make_node("Cast", ["bc16"], ["bc"], to=TensorProto.FLOAT),
        helper.make_node("Slice", ["m", "zero_1d", "seq_less1", "one_1d"], ["m_left"]),
        helper.make_node("Slice", ["m", "one_1d", "seq_len", "one_1d"], ["m_right"]),
        helper.make_node("Mul", ["m_left", "m_right"], ["bm"]),
        helper.make_node("Mul", ["bc", "bm"], ["bcm"]),
        *_weighted_sum("bcm", "bg", "bpooled"),
        helper.make_node("Add", ["pooled_tokens", "bpooled"], ["pooled"]),
    ]


def build_onnx(c, path):
    """The graph: input_ids, attention_mask (int64 [batch, seq]) -> sentence_embedding (float32 [batch, dim])."""
    has_pairs = "bigram_codes" in c
    dim = c["token_nibbles"].shape[1] * 2
    pooled = "pooled_tokens" if has_pairs else "pooled"
    nodes = [
        # int4 rows: gather the packed bytes, split low / high nibbles (dims 0..D/2-1 / D/2..D-1), minus 8
        helper.make_node("Gather", ["token_nibbles", "input_ids"], ["g8"], axis=0),
        helper.make_node("Cast", ["g8"], ["gb"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["gb", "sixteen"], ["gdiv"]),
        helper.make_node("Floor", ["gdiv"], ["ghi"]),
        helper.make_node("Mul", ["ghi", "sixteen"], ["ghi16"]),
        helper.make_node("Sub", ["gb", "ghi16"], ["glo"]),
        helper.make_node("Concat", ["glo", "ghi"], ["gn"], axis=-1),
        helper.make_node("Sub", ["gn", "eight"], ["g"]),
        helper.make_node("Gather", ["token_coef", "input_ids"], ["c16"], axis=0),
        helper.make_node("Cast", ["c16"], ["c"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["c", "m"], ["cm"]),
        *_weighted_sum("cm", "g", pooled),
        *(_pair_nodes() if has_pairs else []),
        helper.make_node("ReduceSumSquare", ["pooled"], ["sq"], axes=[1], keepdims=1),
        helper.make_node("Sqrt", ["sq"], ["norm"]),
        helper.make_node("Max", ["norm", "eps"], ["norm_safe"]),
        helper.make_node("Div", ["pooled", "norm_safe"], ["sentence_embedding"]),
    ]
    inits = [
        numpy_helper.from_array(c["token_nibbles"], "token_nibbles"),
        numpy_helper.from_array(c["token_coef"], "token_coef"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array(16, dtype=np.float32), "sixteen"),
        numpy_helper.from_array(np.array(8, dtype=np.float32), "eight"),
        numpy_helper.from_array(np.array([1e-12], dtype=np.float32), "eps"),
    ]
    if has_pairs:
        m = c["bigram_codes"].shape[1]
        k = c["bigram_codebook"].shape[0] // m
        inits += [
            numpy_helper.from_array(c["bigram_codes"], "bigram_codes"),
            numpy_helper.from_array(c["bigram_codebook"], "bigram_codebook"),
            numpy_helper.from_array(c["bigram_coef"], "bigram_coef"),
            numpy_helper.from_array(np.arange(m, dtype=np.int64) * k, "code_offsets"),
            numpy_helper.from_array(np.array([0, 0, dim], dtype=np.int64), "pair_shape"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "one_1d"),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "zero_1d"),
            numpy_helper.from_array(np.array(BIGRAM_PRIME, dtype=np.int64), "prime"),
            numpy_helper.from_array(np.array(c["bigram_codes"].shape[0], dtype=np.int64), "buckets"),
        ]
    graph = helper.make_graph(
        nodes, "codectx-static-embedder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", dim])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="codectx-training")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


STORED = ("token_nibbles", "token_coef", "bigram_codes", "bigram_codebook", "bigram_coef")


def read_compact(path):
    """The stored arrays of a compact model.onnx, or None for another format."""
    init = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    return {k: init[k] for k in STORED if k in init} if "token_nibbles" in init else None


def read_int8(path):
    """The float tables of an int8 model.onnx (the format export.py wrote before this file): coefficients folded in."""
    init = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    if "token_vectors" not in init:
        raise SystemExit(f"{path} is not an int8 model (no token_vectors): already compact?")
    tokens = init["token_vectors"].astype(np.float32) * init["token_coef"][:, None]
    pairs = None
    if "bigram_vectors" in init:
        pairs = init["bigram_vectors"].astype(np.float32) * init["bigram_coef"][:, None]
    return tokens, pairs


def vocab_of(model_dir):
    with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
        ids = json.load(f)["model"]["vocab"]
    vocab = [""] * len(ids)
    for t, i in ids.items():
        vocab[i] = t
    return vocab


def fixture_cases(texts, ids, c, tokens, pairs):
    """The parity cases: `vector` from the stored numbers (what the graph must give, to float rounding) and `unquantized`
    from the tables before compaction (`tokens`, `pairs`, coefficients folded in: what the compaction may move)."""
    stored = reference(*dequantize(c), ids)
    before = reference(tokens, pairs, ids)
    return [{"text": t, "ids": i, "vector": [round(float(x), 7) for x in v], "unquantized": [round(float(x), 7) for x in u]}
            for t, i, v, u in zip(texts, ids, stored, before)]


def folder_size(d):
    return sum(os.path.getsize(os.path.join(p, f)) for p, _, fs in os.walk(d) for f in fs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "code-static"))
    ap.add_argument("--out", help="write the compact folder here instead of replacing --model")
    ap.add_argument("--fixture", default=os.path.join(ROOT, "fixtures", "embed", "model-vectors.json"))
    args = ap.parse_args()
    t0 = time.time()
    src = os.path.abspath(args.model)
    stored = read_compact(os.path.join(src, "onnx", "model.onnx"))
    if stored is not None:  # already compact: rebuild the graph around the same numbers (fixture unchanged)
        build_onnx(stored, os.path.join(src, "onnx", "model.onnx"))
        print(f"rebuilt the graph of {src} around its stored numbers")
        return
    tokens, pairs = read_int8(os.path.join(src, "onnx", "model.onnx"))
    with open(os.path.join(src, "codectx.json")) as f:
        meta = json.load(f)
    # The int8 coefficients already hold the learned weights; compact the folded rows with weight 1.
    c = compact(tokens, np.ones(len(tokens), np.float32),
                pairs, None if pairs is None else np.ones(len(pairs), np.float32))
    c["token_coef"][0] = 0.0
    out = os.path.abspath(args.out or src)
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    build_onnx(c, os.path.join(tmp, "onnx", "model.onnx"))
    meta = {**meta, **describe(meta.get("bigramBuckets", 0) > 0)}
    meta["quantization"]["convertedFrom"] = "int8 rows with one float32 coefficient each (training/export.py before 2026-12-04)"
    with open(os.path.join(tmp, "codectx.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if os.path.exists(out):
        old = f"{out}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)
    if not args.out:
        with open(args.fixture, encoding="utf-8") as f:
            fixture = json.load(f)
        from export import FIXTURE_TEXTS
        from wordpiece import WordPiece

        wp = WordPiece(vocab_of(out))
        fixture["cases"] = fixture_cases(FIXTURE_TEXTS, [wp.encode(t) for t in FIXTURE_TEXTS], c, tokens, pairs)
        fixture["note"] = NOTE
        with open(args.fixture, "w", encoding="utf-8") as f:
            json.dump(fixture, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(f"compacted {src} -> {out}: model.onnx {os.path.getsize(os.path.join(out, 'onnx', 'model.onnx')) / 1e6:.2f} MB, "
          f"folder {folder_size(out) / 1e6:.2f} MB ({time.time() - t0:.0f}s)")


NOTE = ("texts are already normalized (embed-text v1); vectors computed in numpy from the shipped compact tables "
        "(training/compact.py: int4 tokens, product-quantized pairs)")


def describe(has_pairs):
    """codectx.json fields for the compact storage."""
    return {
        "architecture": "static: token vectors x learned token weights"
                        + (" + vectors of hashed adjacent token pairs x learned pair weights" if has_pairs else "")
                        + ", masked weighted sum, L2 norm",
        "quantization": {
            "format": FORMAT if has_pairs else FORMAT.split(" + ")[0],
            "tokens": {"bits": 4, "levels": f"-{TOKEN_LEVELS}..{TOKEN_LEVELS}", "scale": "per row (float16, folded with the learned weight)"},
            **({"pairs": {"subvector": PAIR_SUBDIM, "centroids": PAIR_CENTROIDS, "kmeansSeed": SEED,
                          "scale": "per row (float16, folded with the learned weight)"}} if has_pairs else {}),
            "script": "training/compact.py",
        },
    }


if __name__ == "__main__":
    main()
