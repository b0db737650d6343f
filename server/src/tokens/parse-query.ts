// Pure. A query, parsed once into the value that search and rank receive: nothing downstream reads the raw text again.
// Never throws: any text gives a value (an empty `terms` means nothing searchable was found).
import { isIdentifierLike, qualifiedParts, splitIdentifier, WORD } from './code-tokens.js';

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
