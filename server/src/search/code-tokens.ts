// Pure. Code-aware tokenization shared by indexing and querying, so both sides split text the same way.
// FTS5 (unicode61 with '_' as a token character, porter stemming) then sees identifiers whole and by their parts.

const WORD = /[\p{L}\p{N}_]+/gu;
// Zero-width boundaries inside an identifier: lower→Upper, ACRONYM→Word, letter↔digit.
const BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu;

/** `getUserName` → [get, user, name]; `HTTPServer2` → [http, server, 2]; `snake_case` → [snake, case]. Lowercased. */
export function splitIdentifier(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.replace(BOUNDARY, ' ').split(/[\s_]+/)) {
    if (piece) parts.push(piece.toLowerCase());
  }
  return parts;
}

/**
 * The text FTS5 indexes for `text`: every word lowercased, followed by its parts when it is a compound identifier.
 * `getUserName(id)` → `getusername get user name id`.
 */
export function expandForIndex(text: string): string {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const lower = word.toLowerCase();
    out.push(lower);
    if (word.length > 2 && hasParts(word)) {
      for (const part of splitIdentifier(word)) if (part !== lower) out.push(part);
    }
  }
  return out.join(' ');
}

/** Path segments, the file name and its stem, all split like identifiers: `src/HttpClient.ts` → `src httpclient http client ts`. */
export function expandPath(path: string): string {
  return expandForIndex(path.replace(/[/\\.-]+/g, ' '));
}

function hasParts(word: string): boolean {
  return /_/.test(word) || /\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u.test(word);
}

/** True for a token that looks like a code identifier rather than an English word. */
export function isIdentifierLike(word: string): boolean {
  return hasParts(word) || /^\p{Lu}{2,}$/u.test(word);
}

const STOPWORDS = new Set(
  `a an and are as at be been but by can could do does did for from has have how i if in into is it its me my not
  of on or our should so that the their them then there these this those to was we were what when where which who
  why will with would you your find show get code function method file files implement implemented implementation
  handle handled handles where's does`
    .split(/\s+/)
    .filter(Boolean),
);

/** A query reduced to what FTS5 should look for. */
export interface QueryTerms {
  /** Distinct lowercased terms, most telling first. */
  terms: string[];
  /** Identifiers as the user typed them (case kept), for exact-symbol boosts. */
  identifiers: string[];
  /** Plain words of a longer, sentence-like query: maybe a lower-case name (`clone`), more likely English. */
  nameWords: string[];
  /** Quoted strings and other multi-word phrases, lowercased words. */
  phrases: string[][];
  /** Things that look like file paths or file names (`src/engine.ts`, `engine.ts`). */
  paths: string[];
  /**
   * A short query's qualified names as typed (`node.rebalance`, `TokenBucket.try_acquire`, `std::vector`), separators
   * as written: the symbol it looks up. Their parts are among `identifiers` too.
   */
  qualified: string[];
  /** Command-line flags as typed, without their dashes (`--dry-run` → `dry-run`, `-tx-max-size` → `tx-max-size`). */
  flags: string[];
}

// `--dry-run`, `--verbose`, `-tx-max-size`: a dash or two at a word start, then a name; a one-dash flag needs a dash
// inside (`-v` and `-rf` are too short to tell, and a minus sign before a word is prose).
const FLAG = /(?<![\p{L}\p{N}_-])(?:--[\p{L}][\p{L}\p{N}_]*(?:-[\p{L}\p{N}_]+)*|-[\p{L}][\p{L}\p{N}_]*(?:-[\p{L}\p{N}_]+)+)/gu;

// `owner.name`, `ns::name`, `Class#method`, `ptr->field`: each part a word that starts with a letter, `_` or `$`.
const QUALIFIED = /[\p{L}_$][\p{L}\p{N}_$]*(?:(?:\.|::|#|->)[\p{L}_$][\p{L}\p{N}_$]*)+/gu;

/** The parts of a qualified name: `a.b::c` → [a, b, c]. */
export function qualifiedParts(name: string): string[] {
  return name.split(/\.|::|#|->/).filter(Boolean);
}

const MAX_TERMS = 32;

/** Splits any query text into terms. Never throws; an empty result means nothing searchable was found. */
export function parseQuery(query: string): QueryTerms {
  const text = query.length > 20_000 ? query.slice(0, 20_000) : query;
  const phrases: string[][] = [];
  for (const m of text.matchAll(/"([^"\n]{2,200})"|'([^'\n]{3,200})'|`([^`\n]{2,200})`/g)) {
    const words = [...(m[1] ?? m[2] ?? m[3] ?? '').matchAll(WORD)].map((w) => w[0].toLowerCase());
    if (words.length > 1 && words.length <= 12) phrases.push(words);
  }
  const paths = [...text.matchAll(/(?:[\w.-]+\/)*[\w-]+\.[A-Za-z][\w]{0,6}\b/g)]
    .map((m) => m[0])
    .filter(
      (p) => /[/]/.test(p) || /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|md|json|ya?ml|toml)$/.test(p),
    );

  // A qualified name is not a path (`engine.ts`), nor prose punctuation (`e.g`): its last part is a name of at least 3
  // characters. Only a short query (`node.rebalance`, `os.path.join`) is a lookup of that symbol; in a sentence a
  // qualified name is a reference (`Overwrites the default Node#customCacheKey` is about an override in a subclass).
  const wordCount = [...text.matchAll(WORD)].length;
  const lookup = wordCount <= 4;
  const qualified = lookup
    ? [...text.matchAll(QUALIFIED)]
        .map((m) => m[0])
        .filter((n) => !paths.some((p) => p.includes(n)) && (qualifiedParts(n).at(-1)?.length ?? 0) >= 3)
    : [];
  // Words inside a path (`guide` in `docs/guide.md`) are terms, but not names the user is asking for. The parts of a
  // qualified name are: `PerspectiveCamera#filmGauge` asks for a property the class's own chunk defines.
  const pathWords = new Set(paths.flatMap((p) => [...p.matchAll(WORD)].map((w) => w[0])));
  const identifiers: string[] = [];
  const shortQuery = wordCount <= 2;
  const nameWords: string[] = [];
  const whole: string[] = [];
  const parts: string[] = [];
  const words: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const lower = word.toLowerCase();
    if (isIdentifierLike(word) && word.length > 2) {
      if (!identifiers.includes(word) && !pathWords.has(word)) identifiers.push(word);
      if (!seen.has(lower)) {
        seen.add(lower);
        whole.push(lower);
      }
      for (const part of splitIdentifier(word)) {
        if (!seen.has(part) && !STOPWORDS.has(part) && part.length > 1) {
          seen.add(part);
          parts.push(part);
        }
      }
    } else if (!seen.has(lower) && !STOPWORDS.has(lower) && (lower.length > 1 || /\p{N}/u.test(lower))) {
      seen.add(lower);
      words.push(lower);
      // A plain word may still be a symbol name the user typed in lower case (`parseargs`), but only in a short
      // query: in a sentence ("resets the buffer") it is English, and boosting `Buffer` for it misleads.
      if (/^\p{L}[\p{L}\p{N}_]*$/u.test(word) && !pathWords.has(word)) (shortQuery ? identifiers : nameWords).push(word);
    }
  }
  // Long inputs (a pasted stack trace or issue): identifiers first, then the longest words, as they tend to be rarer.
  const rest = [...parts, ...words].sort((a, b) => b.length - a.length);
  const terms = [...whole, ...rest].slice(0, MAX_TERMS);
  // Keep the user's order among what survived, which reads better in --explain and keeps results stable.
  const kept = new Set(terms);
  const ordered = [...whole, ...parts, ...words].filter((t) => kept.has(t));
  return {
    terms: ordered,
    identifiers: identifiers.slice(0, MAX_TERMS),
    nameWords: nameWords.map((w) => w.toLowerCase()).slice(0, MAX_TERMS),
    phrases: phrases.slice(0, 4),
    paths,
    qualified,
    flags: [...new Set([...text.matchAll(FLAG)].map((m) => m[0].replace(/^-+/, '')))].filter((f) => f.length >= 3).slice(0, 8),
  };
}

/** Quotes a term for an FTS5 MATCH expression: any text becomes a valid string literal. */
export function ftsString(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

const PHRASE_WORD = /[\p{L}\p{N}_]+|⁂/gu;
/** Stands for a placeholder of a message template (`${name}`, `{0}`, `%s`): any one word of a pasted message. */
const ANY_WORD = '⁂';
const PLACEHOLDER = /\$\{[^}]*\}|\{[^{}]*\}|%[-+ #0-9.]*[sdrvqfxiTw]/g;
const DOC_STRING = /"""[\s\S]*?"""|'''[\s\S]*?'''/g;
const STRING_LITERAL = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;

/**
 * The string literals of source text, joined by a separator no word run crosses: where error messages and log lines are
 * written, their placeholders (`${name}`, `{0}`, `%d`) turned into a word that matches any word of the query (see
 * longestRun). Python docstrings are left out (they are documentation, not messages).
 */
export function stringLiterals(source: string): string {
  const out: string[] = [];
  for (const m of source.replace(DOC_STRING, ' ').matchAll(STRING_LITERAL)) {
    const text = m[1] ?? m[2] ?? m[3];
    if (text) out.push(text.replace(PLACEHOLDER, ` ${ANY_WORD} `));
  }
  return out.join(' \u0000 ');
}

/** The words of a text, lowercased, for verbatim-run matching (see longestRun). */
export function phraseWords(text: string): string[] {
  return text.toLowerCase().match(PHRASE_WORD) ?? [];
}

/**
 * The length, in words, of the longest run of consecutive query words that occurs in `text` in the same order:
 * how much of a pasted error message or log line the text holds verbatim. A placeholder word of stringLiterals stands
 * for any one query word inside a run. Linear in the text's words.
 */
export function longestRun(queryWords: string[], text: string): number {
  if (queryWords.length < 2) return 0;
  const positions = new Map<string, number[]>();
  queryWords.forEach((w, i) => {
    const list = positions.get(w);
    if (list) list.push(i);
    else positions.set(w, [i]);
  });
  let best = 0;
  // previous[i] = length of the run ending at query word i and at the previous text word.
  let previous = new Map<number, number>();
  for (const word of text.toLowerCase().matchAll(PHRASE_WORD)) {
    if (word[0] === ANY_WORD) {
      // A placeholder continues every run in progress by one word; it never starts one.
      const current = new Map<number, number>();
      for (const [i, length] of previous) {
        if (i + 1 >= queryWords.length) continue;
        current.set(i + 1, length + 1);
        if (length + 1 > best) best = length + 1;
      }
      previous = current;
      continue;
    }
    const at = positions.get(word[0]);
    if (!at) {
      if (previous.size) previous = new Map();
      continue;
    }
    const current = new Map<number, number>();
    for (const i of at) {
      const length = (previous.get(i - 1) ?? 0) + 1;
      current.set(i, length);
      if (length > best) best = length;
    }
    previous = current;
  }
  return best;
}
