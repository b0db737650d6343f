// Pure. A query, parsed once into the value that search and rank receive: nothing downstream reads the raw text again.
// Never throws: any text gives a value (an empty `terms` means nothing searchable was found).
import { isIdentifierLike, phraseWords, qualifiedParts, splitIdentifier, WORD } from './code-tokens.js';
import { isIssueShaped, issueSearchText, segmentIssue, titleWords } from './query-segments.js';

const STOPWORDS = new Set(
  `a an and are as at be been but by can could do does did for from has have how i if in into is it its me my not
  of on or our should so that the their them then there these this those to was we were what when where which who
  why will with would you your find show get code function method file files implement implemented implementation
  handle handled handles where's does`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * A query, parsed once: what FTS5 looks for (terms, phrases), what the boosts compare with the chunks (identifiers,
 * paths, qualified names, flags, every word), and its shape (length, code-likeness, what it asks for). Search, rank and
 * the rerank read this value only, never the query text again.
 */
export interface ParsedQuery {
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
  /**
   * Every word of the query, lowercased, stop words included (`get user name` names `getUserName`); for a paste longer
   * than 2,000 characters, the terms instead.
   */
  words: string[];
  /** The words of the query's first 2,000 characters (phraseWords), to find a pasted message verbatim in the code. */
  messageWords: string[];
  /** How many whitespace-separated words the query has (over 40: a pasted issue or trace). */
  length: number;
  /** Identifiers, paths, quoted strings, qualified names or flags, or a long paste, rather than a question. */
  codeLike: boolean;
  /** The query asks for tests, specs, fixtures, examples, mocks or generated code. */
  asksForTests: boolean;
  /** The query asks for typings (TypeScript declaration files). */
  asksForDeclarations: boolean;
  /** What a pasted issue's segments say (query-segments.ts); absent for any other query, so no issue rule fires on it. */
  issue?: IssueHints;
}

/** The hints of an issue-shaped query (several lines, over 40 words): where its words came from. */
export interface IssueHints {
  /** Identifiers, lowercased, that the issue writes only in its sentences, never in its code or traceback. */
  proseOnly: string[];
  /** File paths named by the frames of its tracebacks, as written. */
  framePaths: string[];
  /** The words (phraseWords) of each error message it quotes. */
  messages: string[][];
  /** File names it writes (`setup.cfg`, `conf.py`), lowercased: a file it names is not demoted as a docs or config file. */
  fileNames: string[];
  /** The words of its title (query-segments.ts `titleWords`), terms whatever the cap. */
  title: string[];
}

// `--dry-run`, `--verbose`, `-tx-max-size`: a dash or two at a word start, then a name; a one-dash flag needs a dash
// inside (`-v` and `-rf` are too short to tell, and a minus sign before a word is prose).
const FLAG = /(?<![\p{L}\p{N}_-])(?:--[\p{L}][\p{L}\p{N}_]*(?:-[\p{L}\p{N}_]+)*|-[\p{L}][\p{L}\p{N}_]*(?:-[\p{L}\p{N}_]+)+)/gu;

// `owner.name`, `ns::name`, `Class#method`, `ptr->field`: each part a word that starts with a letter, `_` or `$`.
const QUALIFIED = /[\p{L}_$][\p{L}\p{N}_$]*(?:(?:\.|::|#|->)[\p{L}_$][\p{L}\p{N}_$]*)+/gu;

const MAX_TERMS = 32;
/** Beyond this many characters a query is a paste: its words are its terms, its message the first this many. */
const PASTE = 2000;
const ASKS_FOR_TESTS = /\b(tests?|spec|fixtures?|examples?|mock|testdata|generated)\b/i;
const ASKS_FOR_DECLARATIONS = /\b(typings?|declarations?|d\.ts)\b/i;

/** Parses any query text. Never throws; an empty `terms` means nothing searchable was found. */
export function parseQuery(query: string): ParsedQuery {
  const text = query.length > 20_000 ? query.slice(0, 20_000) : query;
  const phrases = quotedPhrases(text);
  const paths = pathsOf(text);
  const wordCount = [...text.matchAll(WORD)].length;
  const qualified = qualifiedNames(text, paths, wordCount);
  const issueShaped = isIssueShaped(text);
  const { terms, identifiers, nameWords } = issueShaped
    ? wordsOf(issueSearchText(text), paths, wordCount, true, new Set(titleWords(text)))
    : wordsOf(text, paths, wordCount, false);
  const flags = [...new Set([...text.matchAll(FLAG)].map((m) => m[0].replace(/^-+/, '')))]
    .filter((f) => f.length >= 3)
    .slice(0, 8);
  const length = query.split(/\s+/).filter(Boolean).length;
  const issue = issueShaped ? issueHints(text, identifiers) : undefined;
  return {
    terms,
    identifiers,
    nameWords,
    phrases,
    paths,
    qualified,
    flags,
    words:
      query.length > PASTE
        ? terms
        : query
            .toLowerCase()
            .split(/[^\p{L}\p{N}]+/u)
            .filter(Boolean),
    messageWords: phraseWords(query.length > PASTE ? query.slice(0, PASTE) : query),
    length,
    codeLike:
      paths.length > 0 ||
      phrases.length > 0 ||
      qualified.length > 0 ||
      flags.length > 0 ||
      identifiers.some(isIdentifierLike) ||
      length > 40,
    asksForTests: ASKS_FOR_TESTS.test(query),
    asksForDeclarations: ASKS_FOR_DECLARATIONS.test(query),
    ...(issue ? { issue } : {}),
  };
}

function issueHints(text: string, identifiers: string[]): IssueHints {
  const segments = segmentIssue(text);
  const inCode = new Set([...`${segments.code}\n${segments.traceback}`.matchAll(WORD)].flatMap((m) => [m[0].toLowerCase()]));
  return {
    proseOnly: identifiers.map((i) => i.toLowerCase()).filter((i) => !inCode.has(i)),
    framePaths: segments.framePaths,
    messages: segments.messages.map(phraseWords).filter((w) => w.length >= 2),
    fileNames: [...new Set([...text.matchAll(/[\w-]+(?:\.[\w-]+)*\.[A-Za-z]\w{0,5}\b/g)].map((m) => m[0].toLowerCase()))],
    title: titleWords(text),
  };
}

/** In a pasted issue, an all-caps word (HTTP, JSON, README, NOTE) is English, not a constant: it needs a `_` or a digit. */
const CAPS_WORD = /^\p{Lu}{2,}$/u;

/** Quoted strings of 2 to 12 words (at most 4), as lowercased words. */
function quotedPhrases(text: string): string[][] {
  const phrases: string[][] = [];
  for (const m of text.matchAll(/"([^"\n]{2,200})"|'([^'\n]{3,200})'|`([^`\n]{2,200})`/g)) {
    const words = [...(m[1] ?? m[2] ?? m[3] ?? '').matchAll(WORD)].map((w) => w[0].toLowerCase());
    if (words.length > 1 && words.length <= 12) phrases.push(words);
  }
  return phrases.slice(0, 4);
}

/** What looks like a file path (a slash) or a file name with a known extension. */
function pathsOf(text: string): string[] {
  return [...text.matchAll(/(?:[\w.-]+\/)*[\w-]+\.[A-Za-z][\w]{0,6}\b/g)]
    .map((m) => m[0])
    .filter(
      (p) => /[/]/.test(p) || /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|md|json|ya?ml|toml)$/.test(p),
    );
}

/**
 * A qualified name is not a path (`engine.ts`), nor prose punctuation (`e.g`): its last part is a name of at least 3
 * characters. Only a short query (`node.rebalance`, `os.path.join`) is a lookup of that symbol; in a sentence a
 * qualified name is a reference (`Overwrites the default Node#customCacheKey` is about an override in a subclass).
 */
function qualifiedNames(text: string, paths: string[], wordCount: number): string[] {
  if (wordCount > 4) return [];
  return [...text.matchAll(QUALIFIED)]
    .map((m) => m[0])
    .filter((n) => !paths.some((p) => p.includes(n)) && (qualifiedParts(n).at(-1)?.length ?? 0) >= 3);
}

/** The terms (at most 32), the identifiers and the plain name words of the query's words. */
function wordsOf(
  text: string,
  paths: string[],
  wordCount: number,
  issueShaped: boolean,
  title: Set<string> = new Set(),
): Pick<ParsedQuery, 'terms' | 'identifiers' | 'nameWords'> {
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
    // A console's rules and timings (`_____`, `0.12s` → `12s`) in a pasted issue are layout, not words.
    if (issueShaped && /^_+$|^\d+(ms|s)$/.test(word)) continue;
    if (isIdentifierLike(word) && word.length > 2 && !(issueShaped && CAPS_WORD.test(word))) {
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
  const kept = new Set([...whole, ...rest].slice(0, MAX_TERMS));
  // An issue's title says what it is about in a few words: they are terms beyond the cap (the engine drops those that
  // name the project itself, engine-search.ts `withoutProjectWords`).
  for (const t of [...whole, ...parts, ...words]) if (title.has(t)) kept.add(t);
  // Keep the user's order among what survived, which reads better in --explain and keeps results stable.
  return {
    terms: [...whole, ...parts, ...words].filter((t) => kept.has(t)),
    identifiers: identifiers.slice(0, MAX_TERMS),
    nameWords: nameWords.map((w) => w.toLowerCase()).slice(0, MAX_TERMS),
  };
}
