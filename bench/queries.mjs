// Deterministic benchmark queries sampled from a corpus: identifiers from definitions, natural language from doc comments.
// Invariant: the same corpus and seed give the same queries (sorted walk, seeded PRNG, no Math.random).
import { readFileSync } from 'node:fs';

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to turn a seed string into a PRNG seed. */
export function hashSeed(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle of a copy of `items`, driven by `rand`. */
export function shuffle(items, rand) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const MAX_WORDS = 12;
const MIN_WORDS = 3;

/** Small stopword list for turning a natural-language query into ripgrep patterns (words < 3 chars are dropped anyway). */
export const STOPWORDS = new Set(
  'the and for are but not you all any can has have its into was one our out use who how may must that this with from they them then than there these those such will would should could been being also only when what which where while whose does done each other some more most same very just over under upon whether'.split(
    ' ',
  ),
);

/** The words of a natural-language query that ripgrep searches for: ≥ 3 characters, not stopwords, deduplicated. */
export function contentWords(query) {
  const words = query.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  return [...new Set(words.filter((w) => w.length >= 3 && !STOPWORDS.has(w)))];
}

/** Clean doc text into a query: markup removed, lowercased, first sentence, at most 12 words. */
export function toNaturalQuery(text) {
  let s = text
    .replace(/:[a-z]+:`([^`]*)`/g, '$1') // Sphinx roles :class:`Foo`
    .replace(/`+/g, '')
    .replace(/[[\]]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // First sentence: a period after a word of ≥ 3 letters (so "i.e." and "e.g." do not end it).
  const m = s.match(/^(.*?[A-Za-z0-9_)]{3}[.!?])(\s|$)/);
  if (m) s = m[1];
  s = s.toLowerCase().replace(/[.:;,!?]+$/, '');
  const words = s.split(' ').filter(Boolean).slice(0, MAX_WORDS);
  return words.join(' ').replace(/[.:;,]+$/, '');
}

/** Go: exported funcs/methods and types as identifiers; `// Name does X` doc comments above them as natural language. */
export function extractGo(text, path) {
  const lines = text.split('\n');
  const identifiers = [];
  const naturals = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const name = line.match(/^func (\([^)]*\) )?([A-Z]\w+)/)?.[2] ?? line.match(/^type (\w+)/)?.[1];
    if (!name) continue;
    identifiers.push({ query: name, path, line: i + 1 });
    // Walk back over directives (//go:...) to the contiguous // comment block.
    let j = i - 1;
    while (j >= 0 && /^\/\/(go:|line |export )/.test(lines[j])) j--;
    const block = [];
    while (j >= 0 && /^\/\//.test(lines[j])) {
      block.unshift(lines[j].replace(/^\/\/ ?/, ''));
      j--;
    }
    if (block.length === 0) continue;
    const first = block[0];
    if (!first.startsWith(`${name} `)) continue;
    // The first sentence may wrap over several comment lines; stop at a blank comment line.
    const para = [];
    for (const b of block) {
      if (b.trim() === '') break;
      para.push(b.trim());
    }
    const q = toNaturalQuery(para.join(' ').slice(name.length + 1));
    if (q.split(' ').length >= MIN_WORDS && contentWords(q).length >= 2) naturals.push({ query: q, path, line: i + 1 });
  }
  return { identifiers, naturals };
}

/** Index just past the `:` that ends a Python def/class header starting at line i, as [line, col]; null if not found. */
export function pythonHeaderEnd(lines, i) {
  let depth = 0;
  for (let k = i; k < Math.min(lines.length, i + 40); k++) {
    const l = lines[k];
    let quote = null;
    for (let c = 0; c < l.length; c++) {
      const ch = l[c];
      if (quote) {
        if (ch === '\\') c++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") quote = ch;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      else if (ch === ':' && depth === 0) return [k, c + 1];
    }
  }
  return null;
}

/** Python: def/class names as identifiers; the first line of their docstrings as natural language. */
export function extractPython(text, path) {
  const lines = text.split('\n');
  const identifiers = [];
  const naturals = [];
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^\s*(?:async\s+)?def (\w+)/) ?? lines[i].match(/^\s*class (\w+)/);
    if (!m) continue;
    const name = m[1];
    // Dunder methods (__init__, __str__) and very short names are everywhere; they make no useful identifier query.
    if (!name.startsWith('__') && name.length >= 4) identifiers.push({ query: name, path, line: i + 1 });
    const end = pythonHeaderEnd(lines, i);
    if (!end) continue;
    let [k, col] = end;
    let rest = lines[k].slice(col).trim();
    if (rest === '' || rest.startsWith('#')) {
      k++;
      while (k < lines.length && lines[k].trim() === '') k++;
      rest = (lines[k] ?? '').trim();
    }
    const d = rest.match(/^[rRuU]?("""|''')(.*)$/);
    if (!d) continue;
    let doc = d[2];
    if (doc.trim() === '') doc = (lines[k + 1] ?? '').trim();
    const close = doc.indexOf(d[1]);
    if (close >= 0) doc = doc.slice(0, close);
    const q = toNaturalQuery(doc);
    if (q.split(' ').length >= MIN_WORDS && contentWords(q).length >= 2) naturals.push({ query: q, path, line: i + 1 });
  }
  return { identifiers, naturals };
}

/**
 * C (kernel style): functions defined at column 0 (their `{` at column 0 within a few lines) as identifiers; the
 * summary of a kernel-doc comment (`/**` then ` * name() - what it does`) as natural language.
 */
export function extractC(text, path) {
  const lines = text.split('\n');
  const identifiers = [];
  const naturals = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const doc = lines[i - 1]?.startsWith('/**') ? line.match(/^ \* (\w+)(?:\(\))?\s+-\s+(.+)$/) : null;
    if (doc) {
      const q = toNaturalQuery(doc[2]);
      if (q.split(' ').length >= MIN_WORDS && contentWords(q).length >= 2) naturals.push({ query: q, path, line: i + 1 });
      continue;
    }
    const m = line.match(/^[a-z_][\w\s*]*?\b([a-z_]\w*)\(/i);
    if (!m || /;\s*$/.test(line) || /^(if|for|while|switch|return|else)\b/.test(line)) continue;
    let body = false;
    for (let j = i; j < Math.min(lines.length, i + 6) && !body; j++) {
      if (lines[j].startsWith('{')) body = true;
      else if (j > i && /;\s*$/.test(lines[j])) break;
    }
    if (body && m[1].length >= 4 && !/^[A-Z0-9_]+$/.test(m[1])) identifiers.push({ query: m[1], path, line: i + 1 });
  }
  return { identifiers, naturals };
}

/**
 * Build `count` queries (half identifiers, half natural language) from `files` (sorted absolute paths with `rel`).
 * Returns queries in a shuffled, deterministic order, each with its source location kept apart for sanity checks.
 */
export function buildQueries({ files, extract, count, seed }) {
  const rand = prng(hashSeed(seed));
  const ids = new Map();
  const nats = new Map();
  for (const f of files) {
    let text;
    try {
      text = readFileSync(f.abs, 'utf8');
    } catch {
      continue;
    }
    const { identifiers, naturals } = extract(text, f.rel);
    for (const q of identifiers) if (!ids.has(q.query)) ids.set(q.query, q);
    for (const q of naturals) if (!nats.has(q.query)) nats.set(q.query, q);
  }
  const wantIds = Math.ceil(count / 2);
  const wantNat = count - wantIds;
  const pickedIds = shuffle([...ids.values()], rand).slice(0, wantIds);
  const pickedNat = shuffle([...nats.values()], rand).slice(0, wantNat);
  const all = shuffle(
    [...pickedIds.map((q) => ({ ...q, kind: 'identifier' })), ...pickedNat.map((q) => ({ ...q, kind: 'natural' }))],
    rand,
  );
  return {
    candidates: { identifier: ids.size, natural: nats.size },
    queries: all.map((q, n) => ({
      id: `q${String(n + 1).padStart(4, '0')}`,
      query: q.query,
      kind: q.kind,
      source: { path: q.path, line: q.line },
    })),
  };
}
