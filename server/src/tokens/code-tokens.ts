// Pure. Code-aware tokenization shared by indexing and querying, so both sides split text the same way.
// FTS5 (unicode61 with '_' as a token character, porter stemming) then sees identifiers whole and by their parts.

/** A word of text (letters, digits, `_`); use with matchAll only (the flag g keeps state). */
export const WORD = /[\p{L}\p{N}_]+/gu;
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
  // ASCII text (nearly all code) is cut into words by char codes, several times faster than the Unicode regex.
  const words = NON_ASCII.test(text) ? (text.match(WORD) ?? []) : asciiWords(text);
  let out = '';
  for (let i = 0; i < words.length; i++) out += i === 0 ? expandWord(words[i] as string) : ` ${expandWord(words[i] as string)}`;
  return out;
}

const NON_ASCII = /[\u0080-\uffff]/;

/** The words of ASCII text as WORD finds them: runs of letters, digits and `_`. */
function asciiWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const inWord = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    if (inWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(text.slice(start, i));
      start = -1;
    }
  }
  return words;
}

/**
 * Expansions of recent words. Code repeats its identifiers (a kernel file names `inode` hundreds of times), and the
 * Unicode boundary regexes of splitIdentifier cost far more than a lookup: on the kernel's fs/ this cut the expansion
 * from ~4.4 s. Bounded: emptied when full. The output is exactly that of expanding each word afresh.
 */
const expanded = new Map<string, string>();
const EXPANDED_MAX = 65_536;

/** One word as expandForIndex writes it: lowercased, then its parts when it is a compound identifier. */
function expandWord(word: string): string {
  let e = expanded.get(word);
  if (e !== undefined) return e;
  const lower = word.toLowerCase();
  e = lower;
  if (word.length > 2 && hasParts(word)) {
    for (const part of splitIdentifier(word)) if (part !== lower) e += ` ${part}`;
  }
  if (expanded.size >= EXPANDED_MAX) expanded.clear();
  expanded.set(word, e);
  return e;
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

/** The parts of a qualified name: `a.b::c` → [a, b, c]. */
export function qualifiedParts(name: string): string[] {
  return name.split(/\.|::|#|->/).filter(Boolean);
}

const PHRASE_WORD = /[\p{L}\p{N}_]+|⁂/gu;
/** Stands for a placeholder of a message template (`${name}`, `{0}`, `%s`, `%(name)s`): any one word of a pasted message. */
const ANY_WORD = '⁂';
const PLACEHOLDER = /\$\{[^}]*\}|\{[^{}]*\}|%(?:\([^)\n]*\))?[-+ #0-9.]*[sdrvqfxiTw]/g;
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
