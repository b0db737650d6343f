"""Checks training/normalize.py against the cases generated from the TypeScript code.

Run: /usr/bin/python3 training/test_normalize.py   (exits non-zero on any mismatch; run.sh runs it before mining)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from normalize import MAX_CHUNK_WORDS, MAX_QUERY_WORDS, chunk_embedding_text, normalize_words, query_embedding_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    with open(os.path.join(ROOT, "fixtures/embed/normalize-cases.json"), encoding="utf-8") as f:
        fx = json.load(f)
    failures = 0
    assert fx["maxChunkWords"] == MAX_CHUNK_WORDS and fx["maxQueryWords"] == MAX_QUERY_WORDS, "limits differ"
    for case in fx["cases"]:
        got = normalize_words(case["text"])
        if got != case["words"]:
            failures += 1
            print(f"words differ for {case['text']!r}: {got} != {case['words']}")
        q = query_embedding_text(case["text"])
        if q != case["query"]:
            failures += 1
            print(f"query differs for {case['text']!r}: {q!r} != {case['query']!r}")
    c = fx["chunk"]
    got = chunk_embedding_text(c["path"], c["symbol"], c["signature"], c["doc"], c["content"])
    if got != c["text"]:
        failures += 1
        print(f"chunk text differs: {got!r} != {c['text']!r}")
    n = 2 * len(fx["cases"]) + 1
    print(f"normalize: {n - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
