"""Exports .cache/model.pt to the model folder transformers.js loads, and writes the parity fixture.

The ONNX graph: input_ids, attention_mask (int64 [batch, seq]) -> sentence_embedding (float32 [batch, dim]), i.e.
Gather the token rows, scale each by its (per-row quantization scale x learned token weight) and the mask, sum over
the sequence, L2-normalize. A model trained with --bigrams adds, for each pair of adjacent unmasked tokens (a, b), the
row of bucket (a * BIGRAM_PRIME + b) mod buckets, scaled the same way, before the norm. The rows are stored compactly
(training/compact.py: int4 token rows, product-quantized pair rows; the folder stays under 12 MB); the parity vectors
of fixtures/embed/model-vectors.json are computed from the same shipped numbers.
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
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from normalize import MAX_CHUNK_WORDS, MAX_QUERY_WORDS, chunk_embedding_text, query_embedding_text  # noqa: E402
from compact import NOTE, build_onnx, compact, describe, fixture_cases  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

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
    bigram = None
    if ck.get("bigrams"):
        bigram = (state["bemb.weight"].numpy().astype(np.float32),
                  torch.exp(state["blogw.weight"][:, 0]).numpy().astype(np.float32))
    stored = compact(emb, weights, *(bigram or (None, None)))
    wp = WordPiece(vocab)

    manifest = ck.get("manifest")
    if manifest is None:  # a checkpoint from before manifests were stored in it
        with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    out = os.path.abspath(args.out)
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "onnx"))
    build_onnx(stored, os.path.join(tmp, "onnx", "model.onnx"))
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
        **describe(bigram is not None),
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
    emb_folded = emb * weights[:, None]
    emb_folded[0] = 0.0  # [PAD]
    pairs_folded = bigram[0] * bigram[1][:, None] if bigram is not None else None
    fixture = {
        "model": "models/code-static",
        "trainedOn": manifest["hash"],
        "note": NOTE,
        "cases": fixture_cases(FIXTURE_TEXTS, ids, stored, emb_folded, pairs_folded),
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
