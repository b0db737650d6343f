"""Trains the static code embedding model on .cache/pairs.jsonl and evaluates it on the held-out sources.

Model: token embeddings (V x D) and a learned positive weight per token (initialized to the token's IDF); a text is
the weighted sum of its tokens' vectors, L2-normalized (masked weighted mean pooling: the mean's divisor cancels in the
normalization). With --bigrams N (default 65,536), each pair of adjacent tokens adds the vector of its hashed bucket,
times a learned weight per bucket: local word order, which a bag of tokens cannot see. Embeddings start from a PPMI +
truncated-SVD factorization of token co-occurrence (--init svd). Loss: in-batch InfoNCE (batch 2048) in both directions, summed over the Matryoshka prefixes (64, 128, 256 dims), with one BM25-mined hard
negative per query (--hard-negatives). One epoch with a linearly decaying learning rate: a second epoch memorizes the
pairs (see docs/model.md); the best validation point is kept. Writes .cache/model.pt (state, vocab, config, the
manifest of the data) and .cache/model.eval.json.

Usage: /usr/bin/python3 training/train.py --hard-negatives [--epochs N] [--dim D] [--words N] [--pieces N] ...
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import bm25_mrr, dense_mrr  # noqa: E402
from wordpiece import WordPiece, build_vocab  # noqa: E402

CACHE = os.path.join(HERE, ".cache")


def svd_init(seqs, vocab_size, dim, window=4, max_docs=120_000, seed=11):
    """Distributional starting vectors: PPMI of token co-occurrence (within `window`) in the training documents,
    reduced by truncated SVD. Rare identifier parts then start near the words they are used with."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD

    rnd = random.Random(seed)
    docs = seqs if len(seqs) <= max_docs else rnd.sample(seqs, max_docs)
    C = sp.csr_matrix((vocab_size, vocab_size), dtype=np.float32)
    rows, cols = [], []
    for n, s in enumerate(docs):
        a = np.asarray(s, dtype=np.int32)
        for k in range(1, window + 1):
            if len(a) > k:
                rows.append(a[:-k])
                cols.append(a[k:])
        if len(rows) > 2000 or n == len(docs) - 1:
            r, c = np.concatenate(rows), np.concatenate(cols)
            C = C + sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=C.shape)
            rows, cols = [], []
    C = C + C.T
    C = C.tocoo()
    total = C.data.sum()
    row_sum = np.asarray(C.sum(axis=1)).ravel()
    ctx = row_sum ** 0.75
    pmi = np.log(C.data * ctx.sum() / (row_sum[C.row] * ctx[C.col]) + 1e-12) - np.log(total / row_sum.sum())
    keep = pmi > 0
    P = sp.csr_matrix((pmi[keep].astype(np.float32), (C.row[keep], C.col[keep])), shape=C.shape)
    svd = TruncatedSVD(n_components=dim, n_iter=4, random_state=seed)
    U = svd.fit_transform(P)  # U * S
    U = U / np.sqrt(svd.singular_values_[None, :].clip(min=1e-9))  # U * sqrt(S)
    U = U / (np.linalg.norm(U, axis=1, keepdims=True) + 1e-9) * 1.0
    return torch.from_numpy(U.astype(np.float32))


BIGRAM_PRIME = 1_000_003


def bigram_ids(seq, buckets):
    """Hashed ids of adjacent token pairs: (a * BIGRAM_PRIME + b) mod buckets (the export computes the same in ONNX)."""
    return [(a * BIGRAM_PRIME + b) % buckets for a, b in zip(seq, seq[1:])]


class StaticEmbedder(torch.nn.Module):
    def __init__(self, vocab_size, dim, idf=None, bigrams=0):
        super().__init__()
        self.bigrams = bigrams
        if bigrams:
            # Adjacent token pairs hashed into `bigrams` buckets, each a vector and a weight of its own: word order a
            # static model otherwise cannot see ("background thread", "aspect ratio"). Zero vectors at the start, so
            # training starts from the unigram model.
            self.bemb = torch.nn.EmbeddingBag(bigrams, dim, mode="sum")
            torch.nn.init.zeros_(self.bemb.weight)
            self.blogw = torch.nn.Embedding(bigrams, 1)
            torch.nn.init.zeros_(self.blogw.weight)
        self.emb = torch.nn.EmbeddingBag(vocab_size, dim, mode="sum")
        torch.nn.init.normal_(self.emb.weight, std=1.0 / math.sqrt(dim))
        self.logw = torch.nn.Embedding(vocab_size, 1)
        with torch.no_grad():
            init = torch.log(torch.as_tensor(idf, dtype=torch.float32).clamp(min=0.05)) if idf is not None else torch.zeros(vocab_size)
            self.logw.weight[:, 0] = init
            self.logw.weight[0, 0] = -30.0  # [PAD] never counts

    def forward(self, flat, offsets, bflat=None, boffsets=None):
        w = torch.exp(self.logw(flat).squeeze(-1))
        out = self.emb(flat, offsets, per_sample_weights=w)
        if self.bigrams and bflat is not None and bflat.numel():
            bw = torch.exp(self.blogw(bflat).squeeze(-1))
            out = out + self.bemb(bflat, boffsets, per_sample_weights=bw)
        return out

    def token_weights(self):
        return torch.exp(self.logw.weight[:, 0])


def dropout(seqs, p, rnd):
    if p <= 0:
        return seqs
    out = []
    for s in seqs:
        kept = [t for t in s if rnd.random() >= p]
        out.append(kept if kept else s[:1])
    return out


def batch_tensors(seqs, buckets=0):
    """EmbeddingBag inputs of a batch: flat token ids and offsets, then (with buckets) the bigram ids and offsets."""
    lens = [max(1, len(s)) for s in seqs]
    flat = torch.tensor([t for s in seqs for t in (s if s else [0])], dtype=torch.long)
    offsets = torch.tensor([0] + list(np.cumsum(lens)[:-1]), dtype=torch.long)
    if not buckets:
        return flat, offsets
    bseqs = [bigram_ids(s, buckets) for s in seqs]
    blens = [len(b) for b in bseqs]
    bflat = torch.tensor([t for b in bseqs for t in b], dtype=torch.long)
    boffsets = torch.tensor([0] + list(np.cumsum(blens)[:-1]), dtype=torch.long)
    return flat, offsets, bflat, boffsets


def embed_all(model, seqs, bs=4096):
    out = []
    with torch.no_grad():
        for i in range(0, len(seqs), bs):
            out.append(model(*batch_tensors(seqs[i:i + bs], model.bigrams)))
    return torch.cat(out)


def info_nce(q, d, dims, scale, hard=None):
    loss = 0.0
    labels = torch.arange(q.shape[0])
    for k in dims:
        qk = F.normalize(q[:, :k], dim=-1)
        dk = F.normalize(d[:, :k], dim=-1)
        if hard is not None:
            hk = F.normalize(hard[:, :k], dim=-1)
            logits = scale * qk @ torch.cat([dk, hk]).T
        else:
            logits = scale * qk @ dk.T
        loss = loss + F.cross_entropy(logits, labels) + F.cross_entropy(scale * dk @ qk.T, labels)
    return loss / len(dims)


def load_pairs(path):
    train, val = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            (val if r["split"] == "val" else train).append(r)
    return train, val


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--words", type=int, default=40_000)
    ap.add_argument("--pieces", type=int, default=8_000)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--hard-negatives", action="store_true")
    ap.add_argument("--token-dropout", type=float, default=0.0, help="drop this share of document tokens per step")
    ap.add_argument("--evals-per-epoch", type=int, default=2)
    ap.add_argument("--init", choices=["random", "svd"], default="svd")
    ap.add_argument("--no-subwords", action="store_true", help="whole words only (WordLevel-like): unknown words -> [UNK]")
    ap.add_argument("--kinds", default="doc,name,error,option,heading", help="pair kinds to train on")
    ap.add_argument("--max-doc-tokens", type=int, default=512)
    ap.add_argument("--pairs", default=os.path.join(CACHE, "pairs.jsonl"))
    ap.add_argument("--out", default=os.path.join(CACHE, "model.pt"))
    ap.add_argument("--bigrams", type=int, default=65_536, help="hashed token-pair buckets (0: tokens only)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    train, val = load_pairs(args.pairs)
    print(f"pairs: train {len(train)}, val {len(val)}", flush=True)
    kinds = set(args.kinds.split(","))
    train = [r for r in train if r["kind"] in kinds]
    vocab = build_vocab([r["q"] for r in train] + [r["d"] for r in train], args.words, args.pieces,
                        subwords=not args.no_subwords)
    wp = WordPiece(vocab)
    print(f"vocab {len(vocab)} ({time.time() - t0:.0f}s)", flush=True)
    tq = [wp.encode(r["q"]) for r in train]
    td = [wp.encode(r["d"])[: args.max_doc_tokens] for r in train]
    # IDF over the training documents: the starting token weights (what BM25 knows), then learned.
    df = np.zeros(len(vocab))
    for s in td:
        df[list(set(s))] += 1
    idf = np.log1p((len(td) - df + 0.5) / (df + 0.5))
    unk_rate = sum(s.count(1) for s in td) / max(1, sum(len(s) for s in td))
    print(f"tokenized ({time.time() - t0:.0f}s), [UNK] rate {unk_rate:.4f}", flush=True)
    hard = None
    if args.hard_negatives:
        from evaluate import bm25_hard_negatives
        st = os.stat(args.pairs)
        cache_file = os.path.join(CACHE, f"hard-{st.st_size}-{int(st.st_mtime)}-{len(train)}.json")
        if os.path.exists(cache_file):
            hard = json.load(open(cache_file))
        else:
            hard = bm25_hard_negatives([r["q"] for r in train], [r["d"] for r in train], [r["kind"] for r in train])
            json.dump(hard, open(cache_file, "w"))
        rnd_h = random.Random(3)
        found = sum(h >= 0 for h in hard)
        hard = [h if h >= 0 else rnd_h.randrange(len(train)) for h in hard]
        print(f"hard negatives: {found}/{len(hard)} from BM25 ({time.time() - t0:.0f}s)", flush=True)

    model = StaticEmbedder(len(vocab), args.dim, idf, args.bigrams)
    if args.init == "svd":
        with torch.no_grad():
            model.emb.weight.copy_(svd_init(td, len(vocab), args.dim))
        print(f"SVD init ({time.time() - t0:.0f}s)", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    dims = [d for d in (64, 128, 256, 384, 512) if d <= args.dim]
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * max(0.05, 1 - s / total))
    vq = [wp.encode(r["q"]) for r in val]
    vd = [wp.encode(r["d"])[: args.max_doc_tokens] for r in val]
    val_unk = sum(s.count(1) for s in vd) / max(1, sum(len(s) for s in vd))
    print(f"val [UNK] rate {val_unk:.4f}", flush=True)
    history = []
    t_train = time.time()
    eval_at = {max(1, round(steps_per_epoch * (k + 1) / args.evals_per_epoch)) for k in range(args.evals_per_epoch)}
    rnd = random.Random(args.seed)
    best, best_state = -1.0, None
    for epoch in range(args.epochs):
        order = list(range(len(train)))
        random.shuffle(order)
        tot, n = 0.0, 0
        for b in range(steps_per_epoch):
            model.train()
            idx = order[b * args.batch:(b + 1) * args.batch]
            q = model(*batch_tensors([tq[i] for i in idx], args.bigrams))
            d = model(*batch_tensors(dropout([td[i] for i in idx], args.token_dropout, rnd), args.bigrams))
            h = None
            if hard is not None:
                h = model(*batch_tensors(dropout([td[hard[i]] for i in idx], args.token_dropout, rnd), args.bigrams))
            loss = info_nce(q, d, dims, args.scale, h)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            with torch.no_grad():
                model.logw.weight[0, 0] = -30.0
            tot += loss.item()
            n += 1
            if b + 1 in eval_at:
                model.eval()
                m = dense_mrr(embed_all(model, vq), embed_all(model, vd), val, dims)
                at = round(epoch + (b + 1) / steps_per_epoch, 2)
                history.append({"epoch": at, "loss": round(tot / n, 4), **m})
                print(f"epoch {at}: loss {tot / n:.3f} val {m} ({time.time() - t_train:.0f}s)", flush=True)
                score = m.get(f"doc@{dims[-1]}", 0.0)
                if score > best:  # keep the best point of the validation curve (our split, never the eval suites)
                    best = score
                    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    if best_state is not None:
        model.load_state_dict(best_state)
    train_seconds = time.time() - t_train
    bm = bm25_mrr(val)
    print(f"BM25 on val: {bm}", flush=True)
    result = {"args": vars(args), "vocab": len(vocab), "unkRate": unk_rate, "valUnkRate": val_unk, "trainPairs": len(train),
              "valPairs": len(val), "trainSeconds": round(train_seconds, 1), "history": history, "bm25": bm,
              "dense": max(history, key=lambda h: h.get(f"doc@{dims[-1]}", 0)) if history else None}
    manifest_path = os.path.join(os.path.dirname(os.path.abspath(args.pairs)), "manifest.json")
    manifest = json.load(open(manifest_path, encoding="utf-8")) if os.path.exists(manifest_path) else None
    torch.save({"state": model.state_dict(), "vocab": vocab, "dim": args.dim, "dims": dims, "bigrams": args.bigrams,
                "result": result,
                "manifest": manifest}, args.out)
    with open(os.path.splitext(args.out)[0] + ".eval.json", "w") as f:
        json.dump(result, f, indent=1)
    print(f"saved {args.out}; total {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
