"""Exports .cache/model.pt to the model folder transformers.js loads, and writes the parity fixture.

The ONNX graph: input_ids, attention_mask (int64 [batch, seq]) -> sentence_embedding (float32 [batch, dim]), i.e.
Gather int8 token vectors, scale each by its (per-row quantization scale x learned token weight) and the mask, sum over
the sequence, L2-normalize. A model trained with --bigrams adds, for each pair of adjacent unmasked tokens (a, b), the
int8 vector of bucket (a * BIGRAM_PRIME + b) mod buckets, scaled the same way, before the norm. Int8 rows with one float scale each keep the folder small; the parity vectors of
fixtures/embed/model-vectors.json are computed by PyTorch from the same shipped numbers.
The folder is written to a temporary sibling and swapped in whole, so models/code-static/ is always complete.

Usage: /usr/bin/python3 training/export.py [--model .cache/model.pt] [--out models/code-static]
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from normalize import MAX_CHUNK_WORDS, MAX_QUERY_WORDS, chunk_embedding_text, query_embedding_text  # noqa: E402
from train import BIGRAM_PRIME, bigram_ids  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

OPSET = 13


def quantize(emb, weights, pad=True):
    """int8 rows and one float per token: the row's quantization scale times the token's learned weight."""
    scale = np.abs(emb).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(emb / scale[:, None]), -127, 127).astype(np.int8)
    coef = (scale * weights).astype(np.float32)
    if pad:
        coef[0] = 0.0  # [PAD]
    return q, coef


def reference(q, coef, ids_list, bigram=None):
    """What the ONNX graph computes, in PyTorch (float32). `bigram`: (int8 rows, coefficients) of the hashed pairs."""
    def table(rows, coefficients):
        return torch.from_numpy(rows.astype(np.float32)), torch.from_numpy(coefficients)

    def weighted_sum(rows_coef, ids):
        rows, coefficients = rows_coef
        t = torch.tensor(ids, dtype=torch.long)
        return (rows[t] * coefficients[t][:, None]).sum(0)

    tokens = table(q, coef)
    pairs = table(*bigram) if bigram is not None else None
    out = []
    for ids in ids_list:
        v = weighted_sum(tokens, ids if ids else [0])
        if pairs is not None and len(ids) > 1:
            v = v + weighted_sum(pairs, bigram_ids(ids, pairs[0].shape[0]))
        out.append(v / v.norm().clamp(min=1e-12))
    return torch.stack(out)


def weighted_sum_nodes(coef, vectors, out):
    """coef [batch, seq] x vectors [batch, seq, dim] -> out [batch, dim]: the weighted sum as one batched MatMul."""
    return [
        helper.make_node("Unsqueeze", [coef, "axis1"], [f"{coef}3"]),
        helper.make_node("MatMul", [f"{coef}3", vectors], [f"{out}3"]),
        helper.make_node("Squeeze", [f"{out}3", "axis1"], [out]),
    ]


def bigram_nodes(buckets):
    """ONNX nodes adding the hashed bigrams of adjacent unmasked tokens to `pooled_tokens`, giving `pooled`."""
    return [
        helper.make_node("Shape", ["input_ids"], ["shape"]),
        helper.make_node("Gather", ["shape", "one_1d"], ["seq_len"], axis=0),
        helper.make_node("Sub", ["seq_len", "one_1d"], ["seq_less1"]),
        helper.make_node("Slice", ["input_ids", "zero_1d", "seq_less1", "one_1d"], ["left"]),
        helper.make_node("Slice", ["input_ids", "one_1d", "seq_len", "one_1d"], ["right"]),
        helper.make_node("Mul", ["left", "prime"], ["left_p"]),
        helper.make_node("Add", ["left_p", "right"], ["pair"]),
        helper.make_node("Mod", ["pair", "buckets"], ["bid"], fmod=0),
        helper.make_node("Gather", ["bigram_vectors", "bid"], ["bg8"], axis=0),
        helper.make_node("Cast", ["bg8"], ["bg"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["bigram_coef", "bid"], ["bc"], axis=0),
        helper.make_node("Slice", ["m", "zero_1d", "seq_less1", "one_1d"], ["m_left"]),
        helper.make_node("Slice", ["m", "one_1d", "seq_len", "one_1d"], ["m_right"]),
        helper.make_node("Mul", ["m_left", "m_right"], ["bm"]),
        helper.make_node("Mul", ["bc", "bm"], ["bcm"]),
        *weighted_sum_nodes("bcm", "bg", "bpooled"),
        helper.make_node("Add", ["pooled_tokens", "bpooled"], ["pooled"]),
    ]


def build_onnx(q, coef, path, bigram=None):
    V, D = q.shape
    pooled = "pooled_tokens" if bigram is not None else "pooled"
    nodes = [
        helper.make_node("Gather", ["token_vectors", "input_ids"], ["g8"], axis=0),
        helper.make_node("Cast", ["g8"], ["g"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["token_coef", "input_ids"], ["c"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["c", "m"], ["cm"]),
        *weighted_sum_nodes("cm", "g", pooled),
        *(bigram_nodes(bigram[0].shape[0]) if bigram is not None else []),
        helper.make_node("ReduceSumSquare", ["pooled"], ["sq"], axes=[1], keepdims=1),
        helper.make_node("Sqrt", ["sq"], ["norm"]),
        helper.make_node("Max", ["norm", "eps"], ["norm_safe"]),
        helper.make_node("Div", ["pooled", "norm_safe"], ["sentence_embedding"]),
    ]
    inits = [
        numpy_helper.from_array(q, "token_vectors"),
        numpy_helper.from_array(coef, "token_coef"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([1e-12], dtype=np.float32), "eps"),
    ]
    if bigram is not None:
        inits += [
            numpy_helper.from_array(bigram[0], "bigram_vectors"),
            numpy_helper.from_array(bigram[1], "bigram_coef"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "one_1d"),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "zero_1d"),
            numpy_helper.from_array(np.array(BIGRAM_PRIME, dtype=np.int64), "prime"),
            numpy_helper.from_array(np.array(bigram[0].shape[0], dtype=np.int64), "buckets"),
        ]
    graph = helper.make_graph(
        nodes, "codectx-static-embedder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", D])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="codectx-training")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


FIXTURE_TEXTS = [
    query_embedding_text("how do we decide a cached entry is stale"),
    query_embedding_text("parse command line arguments"),
    query_embedding_text("getUserName"),
    query_embedding_text("connection refused error when retrying request"),
    query_embedding_text("déjà vu Ünïcode façade 日本語"),
    query_embedding_text("zzqx unknownword qwertyuiopasdfghjklzxcvbnm"),
    "",
    chunk_embedding_text("server/src/store/store.ts", "Store.open", "static open(dir: string, repo: string): Store",
                         "/** Opens the index. */", "static open(dir: string, repo: string): Store {\n  const file = join(dir, INDEX_FILE);\n}"),
    chunk_embedding_text("lib/cache/lru.go", "LRU.Get", "func (c *LRU) Get(key string) (any, bool)",
                         "// Get returns the value for key and marks it recently used.",
                         "func (c *LRU) Get(key string) (any, bool) {\n\tif e, ok := c.items[key]; ok {\n\t\tc.ll.MoveToFront(e)\n\t\treturn e.Value, true\n\t}\n\treturn nil, false\n}"),
    chunk_embedding_text("src/utils/retry.py", "retry_with_backoff", "def retry_with_backoff(fn, attempts=5):",
                         '"""Retries fn with exponential backoff."""',
                         "def retry_with_backoff(fn, attempts=5):\n    for i in range(attempts):\n        try:\n            return fn()\n        except ConnectionError:\n            time.sleep(2 ** i)\n    raise RuntimeError('gave up after retries')"),
    chunk_embedding_text("docs/guide.md", "Installation", "", "", "Install the package with npm install and run the server. " * 12),
    chunk_embedding_text("src/long.ts", "LongThing.run", "run(): void", "",
                         " ".join(f"variableName{i} = computeSomething{i % 7}(otherValue, 'string {i}');" for i in range(120))),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, ".cache", "model.pt"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "code-static"))
    ap.add_argument("--fixture", default=os.path.join(ROOT, "fixtures", "embed", "model-vectors.json"))
    args = ap.parse_args()
    t0 = time.time()
    ck = torch.load(args.model)
    vocab, dim, dims = ck["vocab"], ck["dim"], ck["dims"]
    state = ck["state"]
    emb = state["emb.weight"].numpy().astype(np.float32)
    weights = torch.exp(state["logw.weight"][:, 0]).numpy().astype(np.float32)
    q, coef = quantize(emb, weights)
    bigram = None
    if ck.get("bigrams"):
        bigram = quantize(state["bemb.weight"].numpy().astype(np.float32),
                          torch.exp(state["blogw.weight"][:, 0]).numpy().astype(np.float32), pad=False)
    wp = WordPiece(vocab)

    manifest = ck.get("manifest")
    if manifest is None:  # a checkpoint from before manifests were stored in it
        with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    out = os.path.abspath(args.out)
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "onnx"))
    build_onnx(q, coef, os.path.join(tmp, "onnx", "model.onnx"), bigram)
    with open(os.path.join(tmp, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(wp.tokenizer_json(), f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(tmp, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizer", "pad_token": "[PAD]", "unk_token": "[UNK]",
                   "model_max_length": 512, "padding_side": "right", "clean_up_tokenization_spaces": False}, f, indent=1)
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump({"model_type": "bert", "architectures": ["BertModel"], "hidden_size": dim, "vocab_size": len(vocab),
                   "num_hidden_layers": 0, "num_attention_heads": 1, "max_position_embeddings": 512,
                   "pad_token_id": 0, "codectx_static_embedder": True}, f, indent=1)
    result = ck.get("result", {})
    meta = {
        "name": "codectx-code-static",
        "version": time.strftime("%Y-%m-%d"),
        "dimensions": dim,
        "matryoshka": dims,
        "normalization": "embed-text v1",
        "maxChunkWords": MAX_CHUNK_WORDS,
        "maxQueryWords": MAX_QUERY_WORDS,
        "trainedOn": manifest["hash"],
        "vocabSize": len(vocab),
        "architecture": "static: int8 token vectors x learned token weights"
                        + (" + int8 vectors of hashed adjacent token pairs x learned pair weights" if bigram is not None else "")
                        + ", masked weighted sum, L2 norm",
        "bigramBuckets": bigram[0].shape[0] if bigram is not None else 0,
        "output": "sentence_embedding (L2-normalized; for a Matryoshka prefix take the first k dims and re-normalize)",
        "validation": {"dense": result.get("dense"), "bm25": result.get("bm25")},
        "trainSeconds": result.get("trainSeconds"),
        "recipe": "training/README.md",
    }
    with open(os.path.join(tmp, "codectx.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")

    ids = [wp.encode(t) for t in FIXTURE_TEXTS]
    vecs = reference(q, coef, ids, bigram)
    fixture = {
        "model": "models/code-static",
        "trainedOn": manifest["hash"],
        "note": "texts are already normalized (embed-text v1); vectors by PyTorch from the shipped int8 weights (training/export.py)",
        "cases": [{"text": t, "ids": i, "vector": [round(float(x), 7) for x in v]} for t, i, v in zip(FIXTURE_TEXTS, ids, vecs)],
    }
    # Swap the folder in whole: the old one stays complete until the new one is.
    old = f"{out}.old-{os.getpid()}"
    if os.path.exists(out):
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    with open(args.fixture, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, fn)) for d, _, fs in os.walk(out) for fn in fs)
    print(f"exported {out}: {size / 1e6:.1f} MB, vocab {len(vocab)}, dim {dim} ({time.time() - t0:.1f}s)")


if __name__ == "__main__":
    main()
