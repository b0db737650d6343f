"""The code-aware WordPiece vocabulary: built from the training pairs, applied exactly as transformers.js applies it.

Input text is already normalized (normalize.py): lowercase words separated by single spaces. The tokenizer.json we
write uses a WhitespaceSplit pre-tokenizer and a WordPiece model ("##" continuation, [UNK] for what cannot be spelt);
`encode` below mirrors transformers.js' WordPieceTokenizer.encode (greedy longest match over code points, words of
more than 100 code points become [UNK]).
"""
import json
from collections import Counter

PAD, UNK = "[PAD]", "[UNK]"
MAX_CHARS_PER_WORD = 100


def build_vocab(texts, n_words=40_000, n_pieces=8_000, min_count=3, subwords=True):
    """Whole words by frequency, then word-initial and '##' pieces that spell the rarer words, then single characters."""
    counts = Counter()
    for t in texts:
        counts.update(t.split())
    words = [w for w, c in counts.most_common() if c >= min_count and len(w) <= MAX_CHARS_PER_WORD][:n_words]
    in_vocab = set(words)
    pieces = Counter()
    chars = Counter()
    for w, c in counts.items():
        for ch in w:
            chars[ch] += c
        if w in in_vocab or len(w) > 40:
            continue
        for k in range(2, 6):
            if len(w) > k:
                pieces[w[:k]] += c
            for i in range(1, len(w) - k + 1):
                pieces["##" + w[i:i + k]] += c
    vocab = [PAD, UNK] + words
    if not subwords:
        return vocab
    seen = set(vocab)
    for p, _ in pieces.most_common():
        if len(vocab) >= 2 + len(words) + n_pieces:
            break
        if p not in seen:
            vocab.append(p)
            seen.add(p)
    for ch, c in chars.most_common():
        if c < 2:
            break
        for p in (ch, "##" + ch):
            if p not in seen:
                vocab.append(p)
                seen.add(p)
    return vocab


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.unk = self.ids[UNK]
        self.cache = {}

    def word(self, w):
        got = self.cache.get(w)
        if got is not None:
            return got
        chars = list(w)
        if len(chars) > MAX_CHARS_PER_WORD:
            out = [self.unk]
        else:
            out, start = [], 0
            while start < len(chars):
                end, cur = len(chars), None
                while start < end:
                    sub = "".join(chars[start:end])
                    if start > 0:
                        sub = "##" + sub
                    if sub in self.ids:
                        cur = self.ids[sub]
                        break
                    end -= 1
                if cur is None:
                    out = [self.unk]
                    break
                out.append(cur)
                start = end
        if len(self.cache) < 2_000_000:
            self.cache[w] = out
        return out

    def encode(self, text):
        ids = []
        for w in text.split():
            ids.extend(self.word(w))
        return ids

    def tokenizer_json(self):
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": 0, "content": PAD, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
                {"id": 1, "content": UNK, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "WhitespaceSplit"},
            "post_processor": None,
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {
                "type": "WordPiece",
                "unk_token": UNK,
                "continuing_subword_prefix": "##",
                "max_input_chars_per_word": MAX_CHARS_PER_WORD,
                "vocab": self.ids,
            },
        }


def save_vocab(vocab, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)


def load_vocab(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
