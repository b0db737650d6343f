// Pure. Docstring → code suites in the CodeSearchNet manner: find documented functions, turn the first sentence of the
// doc comment into a query, and cut the doc comment out of the copy that gets indexed.
// Invariant: the same files and seed give the same questions; every gold range starts at its function's own line.

import { hashSeed, prng, pythonHeaderEnd, shuffle } from './queries.mjs';

const MAX_QUERY_WORDS = 30;
const MIN_FUNCTION_LINES = 3;

/**
 * The first sentence of a doc paragraph, markup removed: a period, ! or ? after two word characters ends it, so
 * "e.g." and "i.e." do not. Returns '' when fewer than 3 words of 3 letters or more remain.
 */
export function firstSentence(paragraph) {
  let s = paragraph
    .replace(/:[a-z]+:`~?([^`]*)`/g, '$1') // Sphinx roles :class:`Foo`
    .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)[^}]*\}/g, '$1') // JSDoc {@link Foo}
    .replace(/<[^>]+>/g, ' ') // HTML tags in JSDoc
    .replace(/\[([^\]]+)\]/g, '$1') // Go doc links [pkg.Name]
    .replace(/`+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const m = s.match(/^(.*?[\w)\]'"]{2}[.!?])(\s|$)/);
  if (m) s = m[1];
  s = s.replace(/[.:;,!?]+$/, '').trim();
  const words = s.split(' ').filter(Boolean);
  if (words.filter((w) => /[A-Za-z]{3}/.test(w)).length < 3) return '';
  return words.slice(0, MAX_QUERY_WORDS).join(' ');
}

/** The doc paragraph up to the first blank line. */
function firstParagraph(lines) {
  const out = [];
  for (const l of lines) {
    if (l.trim() === '') {
      if (out.length) break;
      continue;
    }
    out.push(l.trim());
  }
  return out.join(' ');
}

// ---------------------------------------------------------------------------------------------------------- Go

const GO_SKIP = new Set(['init', 'main', 'String', 'Error']);

/**
 * Go (gofmt'd): top-level funcs and methods with a `//` comment block right above them (compiler directives between
 * the block and the func stay). The leading function name of the comment ("Foo returns …") is dropped from the query.
 */
export function goCandidates(text, path) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^func (?:\([^)]*\) )?([A-Za-z_]\w*)[[(]/);
    if (!m) continue;
    const name = m[1];
    if (GO_SKIP.has(name) || /^(Test|Benchmark|Example|Fuzz)/.test(name)) continue;
    let k = i - 1;
    while (k >= 0 && /^\/\/(go:|export |line )/.test(lines[k])) k--;
    const docEnd = k;
    while (k >= 0 && lines[k].startsWith('//')) k--;
    const docStart = k + 1;
    if (docEnd < docStart) continue;
    const end = goFunctionEnd(lines, i);
    if (end === null || end - i + 1 < MIN_FUNCTION_LINES) continue;
    const doc = lines.slice(docStart, docEnd + 1).map((l) => l.replace(/^\/\/ ?/, ''));
    let para = firstParagraph(doc);
    if (para.startsWith(`${name} `)) para = para.slice(name.length + 1);
    const query = firstSentence(para);
    if (!query) continue;
    out.push({ path, name, line: i + 1, end: end + 1, remove: [docStart + 1, docEnd + 1], query });
  }
  return out;
}

/** 0-based last line of the func starting at line i: the first `}` alone at column 0; null for a func without body. */
function goFunctionEnd(lines, i) {
  let j = i;
  while (j < lines.length && !lines[j].endsWith('{')) {
    // A one-line func `func f() int { return 1 }`, or a declaration without body (implemented in assembly).
    if (j === i && /\{.*\}$/.test(lines[j])) return i;
    if (j > i && !/^(\t|\))/.test(lines[j])) return null;
    if (j === i && !/[(,]$/.test(lines[j])) return null;
    j++;
  }
  for (let e = j + 1; e < lines.length; e++) if (lines[e] === '}') return e;
  return null;
}

// ------------------------------------------------------------------------------------------------------ Python

const indentOf = (l) => l.length - l.trimStart().length;

/**
 * Python: functions and methods whose first statement is a docstring and whose body has more than the docstring.
 * Dunder methods and test functions are left out, as CodeSearchNet did.
 */
export function pythonCandidates(text, path) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^(\s*)(?:async\s+)?def\s+(\w+)\s*\(/);
    if (!m) continue;
    const name = m[2];
    const indent = m[1].length;
    if (name.startsWith('__') || /^test/i.test(name)) continue;
    const header = pythonHeaderEnd(lines, i);
    if (!header) continue;
    const [h, col] = header;
    const after = lines[h].slice(col).trim();
    if (after !== '' && !after.startsWith('#')) continue;
    let d = h + 1;
    while (d < lines.length && lines[d].trim() === '') d++;
    const open = (lines[d] ?? '').trim().match(/^[rRuU]?("""|''')(.*)$/);
    if (!open) continue;
    const quote = open[1];
    let docEnd = d;
    const doc = [];
    if (open[2].includes(quote)) doc.push(open[2].slice(0, open[2].indexOf(quote)));
    else {
      doc.push(open[2]);
      docEnd = d + 1;
      while (docEnd < lines.length && !lines[docEnd].includes(quote)) doc.push(lines[docEnd++]);
      if (docEnd >= lines.length) continue;
      doc.push(lines[docEnd].slice(0, lines[docEnd].indexOf(quote)));
    }
    // The body goes on while lines are blank or indented deeper than the def.
    let end = -1;
    for (let j = docEnd + 1; j < lines.length; j++) {
      if (lines[j].trim() === '') continue;
      if (indentOf(lines[j]) <= indent) break;
      end = j;
    }
    if (end < 0) continue; // only a docstring: removing it would leave an empty body
    const bodyLines = end - i + 1 - (docEnd - d + 1);
    if (bodyLines < MIN_FUNCTION_LINES) continue;
    const query = firstSentence(firstParagraph(doc));
    if (!query) continue;
    out.push({ path, name, line: i + 1, end: end + 1, remove: [d + 1, docEnd + 1], query });
    // The docstring removal above assumes the lines between the header and the docstring are blank; keep it so.
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------- JS

const JS_FUNCTION = /^(\s*)(?:export\s+(?:default\s+)?)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/;
const JS_METHOD = /^(\s+)(?:static\s+)?(?:async\s+)?(?:[gs]et\s+)?\*?([A-Za-z_$][\w$]*)\s*\(.*\)\s*\{$/;
const JS_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'with', 'constructor']);

/**
 * JavaScript: function declarations and class methods with a JSDoc block (`/** … *\/`) right above them. The query is
 * the first sentence of the description (the text before the first @tag). Constructors are left out.
 */
export function jsCandidates(text, path) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 1; i < lines.length; i++) {
    const m = lines[i].match(JS_FUNCTION) ?? lines[i].match(JS_METHOD);
    if (!m || JS_KEYWORDS.has(m[2])) continue;
    const indent = m[1];
    const name = m[2];
    if (lines[i - 1].trim() !== '*/') continue;
    let k = i - 1;
    while (k >= 0 && !lines[k].trim().startsWith('/**')) k--;
    if (k < 0 || i - 1 - k > 200) continue;
    const doc = lines.slice(k, i).map((l) =>
      l
        .trim()
        .replace(/^\/\*\*\s?/, '')
        .replace(/\*\/$/, '')
        .replace(/^\*\s?/, ''),
    );
    const description = [];
    for (const l of doc) {
      if (l.startsWith('@')) break;
      description.push(l);
    }
    const end = jsFunctionEnd(lines, i, indent);
    if (end === null || end - i + 1 < MIN_FUNCTION_LINES) continue;
    const query = firstSentence(firstParagraph(description));
    if (!query) continue;
    out.push({ path, name, line: i + 1, end: end + 1, remove: [k + 1, i], query });
  }
  return out;
}

/** 0-based last line of a function or method: the first `}` at its own indentation after its opening line. */
function jsFunctionEnd(lines, i, indent) {
  let j = i;
  while (j < lines.length && !/\{\s*$/.test(lines[j])) {
    if (j - i > 20) return null;
    j++;
  }
  for (let e = j + 1; e < lines.length; e++) if (lines[e] === `${indent}}` || lines[e] === `${indent}};`) return e;
  return null;
}

// ------------------------------------------------------------------------------------------------------ sampling

/**
 * Keeps candidates whose query is unique (a description shared by several functions has no single answer), then
 * draws `n` with the seeded shuffle. Returns them in path and line order.
 */
export function sample(candidates, n, seedText) {
  const counts = new Map();
  for (const c of candidates) counts.set(c.query.toLowerCase(), (counts.get(c.query.toLowerCase()) ?? 0) + 1);
  const unique = candidates.filter((c) => counts.get(c.query.toLowerCase()) === 1);
  const chosen = shuffle(unique, prng(hashSeed(seedText))).slice(0, n);
  chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { chosen, unique: unique.length };
}

/**
 * Cuts the doc comments of `chosen` (all of one file) out of its text. Returns the new text and the questions with
 * gold ranges in the new line numbers.
 */
export function removeDocs(text, chosen, idPrefix) {
  const lines = text.split('\n');
  const drop = new Set();
  for (const c of chosen) for (let l = c.remove[0]; l <= c.remove[1]; l++) drop.add(l);
  const shift = (line) => {
    let n = 0;
    for (const l of drop) if (l < line) n++;
    return line - n;
  };
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  const questions = chosen.map((c) => {
    const startLine = shift(c.line);
    return {
      id: `${idPrefix}${c.path}:${c.name}@${startLine}`,
      query: c.query,
      gold: [{ path: c.path, startLine, endLine: shift(c.end), symbol: c.name }],
      kind: 'docstring',
    };
  });
  for (const q of questions) {
    const g = q.gold[0];
    if (!kept[g.startLine - 1]?.includes(g.symbol)) throw new Error(`gold of ${q.id} does not start at ${g.symbol}`);
  }
  return { text: kept.join('\n'), questions };
}
