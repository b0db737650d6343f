// Pure. Error-message questions in the manner of a pasted log line: find where code raises or throws an error with a
// literal message, fill its placeholders with sample values, and ask for the function that raises it.
// Invariant: a message that occurs twice in a repository is ambiguous and never becomes a question.

const PATTERNS = [
  // Python: raise ValueError("…"), raise errors.Foo(f"…")
  /\braise\s+[\w.]+\(\s*[rbf]{0,2}(["'])((?:(?!\1)[^\\\n]|\\.){12,200})\1/g,
  // JavaScript/TypeScript: throw new TypeError('…'), throw Error(`…`)
  /\bthrow\s+(?:new\s+)?[\w.]*Error\(\s*(["'`])((?:(?!\1)[^\\\n]|\\.){12,200})\1/g,
  // Go: errors.New("…"), fmt.Errorf("…")
  /\b(?:errors\.New|fmt\.Errorf)\(\s*(")((?:[^"\\\n]|\\.){12,200})"/g,
];
const SAMPLES = ['foo', '42', 'bar.baz', '7', 'none'];

/** A message as it would appear in a log: placeholders filled in, escapes and format verbs resolved. */
export function fillMessage(message) {
  let i = 0;
  const sample = () => SAMPLES[i++ % SAMPLES.length];
  return message
    .replace(/\$\{[^}]*\}|\{[^{}]*\}|%[-+ #0-9.]*[sdrvqfxiTw]/g, () => sample())
    .replace(/\\[nt]/g, ' ')
    .replace(/\\(.)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Error questions of one file: {query, line} per literal message with at least four words. */
export function errorMessages(text) {
  const out = [];
  for (const pattern of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const query = fillMessage(m[2]);
      if (query.split(' ').filter((w) => /[A-Za-z]{2}/.test(w)).length < 4) continue;
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ query, line });
    }
  }
  return out;
}
