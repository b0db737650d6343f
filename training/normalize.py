"""Mirror of server/src/embed/embed-text.ts (normalizeWords, chunkEmbeddingText, queryEmbeddingText).

The model only ever sees text normalized this way, at training time (here) and at run time (TypeScript), so the two
must agree word for word: `python3 training/test_normalize.py` checks them on fixtures/embed/normalize-cases.json.
Uses the `regex` module for the same Unicode property classes and lookarounds as the JavaScript `u` regexes.
"""
import regex

MAX_CHUNK_WORDS = 256
MAX_QUERY_WORDS = 64

WORD = regex.compile(r"[\p{L}\p{N}_]+")
HAS_PARTS = regex.compile(r"_|\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}")
BOUNDARY = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})")
SPLIT = regex.compile(r"[\s_]+")
EDGE_UNDERSCORES = regex.compile(r"^_+|_+$")
PATH_PUNCT = regex.compile(r"[/\\.-]+")


def js_length(s: str) -> int:
    """String.prototype.length: UTF-16 code units (astral characters count twice)."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def split_identifier(word: str) -> list:
    return [p.lower() for p in SPLIT.split(BOUNDARY.sub(" ", word)) if p]


def normalize_words(text: str, max_words: float = float("inf")) -> list:
    out = []
    if max_words <= 0:
        return out
    for m in WORD.finditer(text):
        word = m.group(0)
        if js_length(word) > 2 and HAS_PARTS.search(word):
            for part in split_identifier(word):
                out.append(part)
                if len(out) >= max_words:
                    return out
        else:
            lower = EDGE_UNDERSCORES.sub("", word).lower()
            if lower:
                out.append(lower)
            if len(out) >= max_words:
                return out
    return out


def chunk_embedding_text(path: str, symbol: str, signature: str, doc: str, content: str) -> str:
    head = "\n".join(x for x in [PATH_PUNCT.sub(" ", path), symbol, signature, doc] if x)
    return " ".join(normalize_words(f"{head}\n{content}", MAX_CHUNK_WORDS))


def query_embedding_text(query: str) -> str:
    return " ".join(normalize_words(query, MAX_QUERY_WORDS))
