"""Validation metrics on the held-out sources: MRR@10 of the dense model and of a BM25 baseline over the same words.

Queries: the validation pairs, per kind (`doc` = plain-language questions), at most MAX_QUERIES_PER_KIND per kind,
chosen by a fixed seed. Corpus: every distinct held-out document of the same kind, so each query competes against every
held-out chunk of its kind. BM25 (k1 1.2, b 0.75) sees the normalized words, as FTS5 would.
"""
import random
from collections import Counter, defaultdict

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

MAX_QUERIES_PER_KIND = 2000


def _setup(val):
    """Per kind: the queries (sampled) and a corpus of that kind's distinct documents, with each query's target.

    One corpus per kind, because the same function appears under several kinds (with its doc comment for `error`,
    without it for `doc`): mixing them would rank a copy of the target above the target itself.
    """
    rnd = random.Random(99)
    by_kind = defaultdict(list)
    for k, r in enumerate(val):
        by_kind[r["kind"]].append(k)
    out = {}
    for kind, ks in sorted(by_kind.items()):
        corpus_rows, index, target = [], {}, {}
        for k in ks:
            i = index.get(val[k]["d"])
            if i is None:
                i = index[val[k]["d"]] = len(corpus_rows)
                corpus_rows.append(k)
            target[k] = i
        chosen = list(ks)
        rnd.shuffle(chosen)
        chosen = chosen[:MAX_QUERIES_PER_KIND]
        out[kind] = (corpus_rows, [target[k] for k in chosen], chosen)
    return out


def _mrr(scores, targets, k=10):
    top = torch.topk(scores, min(k, scores.shape[1]), dim=1).indices
    rr = []
    for row, t in zip(top.tolist(), targets):
        rr.append(1.0 / (row.index(t) + 1) if t in row else 0.0)
    return sum(rr) / max(1, len(rr))


def dense_mrr(qv, dv, val, dims):
    """qv/dv: embeddings of every val pair's query/document (row k = val[k]). MRR@10 of doc queries per Matryoshka
    prefix, and of every kind at full size."""
    out = {}
    for kind, (corpus_rows, targets, chosen) in _setup(val).items():
        for d in (dims if kind == "doc" else dims[-1:]):
            D = F.normalize(dv[corpus_rows, :d], dim=-1)
            Q = F.normalize(qv[chosen, :d], dim=-1)
            out[f"doc@{d}" if kind == "doc" else kind] = round(_mrr(Q @ D.T, targets), 4)
    return out


def _bm25_matrix(docs, k1=1.2, b=0.75):
    vocab = {}
    rows, cols, vals = [], [], []
    lengths = []
    for i, d in enumerate(docs):
        c = Counter(d.split())
        lengths.append(sum(c.values()))
        for w, n in c.items():
            j = vocab.setdefault(w, len(vocab))
            rows.append(i)
            cols.append(j)
            vals.append(n)
    tf = sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)), dtype=np.float32)
    df = np.bincount(cols, minlength=len(vocab))
    idf = np.log1p((len(docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
    lens = np.array(lengths, dtype=np.float32)
    norm = k1 * (1 - b + b * lens / max(1.0, lens.mean()))
    tf = tf.tocoo()
    w = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
    return sp.csr_matrix((w, (tf.row, tf.col)), shape=tf.shape), vocab


def _query_matrix(queries, vocab, n_cols=None):
    rows, cols = [], []
    for i, q in enumerate(queries):
        for w in set(q.split()):
            j = vocab.get(w)
            if j is not None:
                rows.append(i)
                cols.append(j)
    shape = (len(queries), n_cols if n_cols is not None else len(vocab))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)


def bm25_mrr(val):
    out = {}
    for kind, (corpus_rows, targets, chosen) in _setup(val).items():
        W, vocab = _bm25_matrix([val[k]["d"] for k in corpus_rows])
        Q = _query_matrix([val[k]["q"] for k in chosen], vocab)
        S = torch.from_numpy((Q @ W.T).toarray())
        out[kind] = round(_mrr(S, targets), 4)
    return out


def fused_mrr(qv, dv, val, w_lex=0.7):
    """The issue's fixed score fusion: w_lex * BM25/max + (1 - w_lex) * min-max cosine, per query, full dims."""
    out = {}
    for kind, (corpus_rows, targets, chosen) in _setup(val).items():
        W, vocab = _bm25_matrix([val[k]["d"] for k in corpus_rows])
        B = torch.from_numpy((_query_matrix([val[k]["q"] for k in chosen], vocab) @ W.T).toarray())
        B = B / B.max(dim=1, keepdim=True).values.clamp(min=1e-9)
        C = F.normalize(qv[chosen], dim=-1) @ F.normalize(dv[corpus_rows], dim=-1).T
        lo, hi = C.min(dim=1, keepdim=True).values, C.max(dim=1, keepdim=True).values
        C = (C - lo) / (hi - lo).clamp(min=1e-9)
        out[kind] = round(_mrr(w_lex * B + (1 - w_lex) * C, targets), 4)
    return out


def bm25_hard_negatives(queries, docs, kinds, block=1024, max_df=0.02):
    """For each pair, the best BM25 document of the same kind that is not its own (nor an identical text); -1 if none.

    Query terms in more than `max_df` of the documents are left out: they rank little and make the product dense.
    """
    out = [-1] * len(queries)
    by_kind = defaultdict(list)
    for i, k in enumerate(kinds):
        by_kind[k].append(i)
    for kind, rows in by_kind.items():
        W, vocab = _bm25_matrix([docs[i] for i in rows])
        df = np.asarray((W > 0).sum(axis=0)).ravel()
        rare = {w: j for w, j in vocab.items() if df[j] <= max(5, max_df * len(rows))}
        Wt = W.T.tocsr()
        for s in range(0, len(rows), block):
            part = rows[s:s + block]
            Q = _query_matrix([queries[i] for i in part], rare, len(vocab))
            S = (Q @ Wt).tocsr()
            for r, i in enumerate(part):
                lo, hi = S.indptr[r], S.indptr[r + 1]
                if hi == lo:
                    continue
                idx, val = S.indices[lo:hi], S.data[lo:hi]
                for j in idx[np.argsort(-val)[:3]]:
                    cand = rows[j]
                    if cand != i and docs[cand] != docs[i]:
                        out[i] = cand
                        break
    return out


def main():
    """Re-evaluates a checkpoint: /usr/bin/python3 training/evaluate.py [.cache/model.pt] [.cache/pairs.jsonl]"""
    import json
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from train import StaticEmbedder, embed_all
    from wordpiece import WordPiece

    ck_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, ".cache", "model.pt")
    pairs = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, ".cache", "pairs.jsonl")
    ck = torch.load(ck_path)
    model = StaticEmbedder(len(ck["vocab"]), ck["dim"], bigrams=ck.get("bigrams", 0))
    model.load_state_dict(ck["state"])
    model.eval()
    wp = WordPiece(ck["vocab"])
    val = [r for r in map(json.loads, open(pairs, encoding="utf-8")) if r["split"] == "val"]
    qv = embed_all(model, [wp.encode(r["q"]) for r in val])
    dv = embed_all(model, [wp.encode(r["d"])[:512] for r in val])
    print(json.dumps({"dense": dense_mrr(qv, dv, val, ck["dims"]), "bm25": bm25_mrr(val),
                      "fused 0.7/0.3": fused_mrr(qv, dv, val), "fused 0.5/0.5": fused_mrr(qv, dv, val, 0.5)}))


if __name__ == "__main__":
    main()
