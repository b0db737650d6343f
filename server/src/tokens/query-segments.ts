// Pure. An issue-shaped query (a pasted GitHub issue: several lines, over 40 words) cut into what each part is: prose
// (sentences), code (fenced or indented blocks, console prompts, lines shaped like code, `inline` spans) and tracebacks,
// with the files a traceback's frames name and the error messages it (or the prose) quotes. Never throws.

/** What an issue's text holds, by kind of segment. */
export interface IssueSegments {
  /** The sentences, with inline code spans cut out. */
  prose: string;
  /** Code blocks, code-shaped lines and inline code spans, joined by newlines. */
  code: string;
  /** Traceback and test-failure lines. */
  traceback: string;
  /** The file paths of traceback frames (`File "…/_pytest/python.py", line 12` → `…/_pytest/python.py`), as written. */
  framePaths: string[];
  /** Error messages, each as its text: after `SomeError:` / `error:`, or quoted in the prose (three words or more). */
  messages: string[];
}

/** Over this many words, on more than two lines: a pasted issue rather than a question (hand-written ones are one line). */
export const ISSUE_MIN_WORDS = 40;

/** An issue-shaped query: at least three lines and more than ISSUE_MIN_WORDS words. */
export function isIssueShaped(text: string): boolean {
  return (text.match(/\n/g)?.length ?? 0) >= 2 && text.split(/\s+/).filter(Boolean).length > ISSUE_MIN_WORDS;
}

const FENCE = /^\s*(```|~~~)/;
const PROMPT = /^\s*(>>>|\.\.\.|\$ |In \[\d+\]:|Out\[\d+\]:|% )/;
const TRACEBACK_START = /^\s*Traceback \(most recent call last\)/;
const FRAME = /^\s*File "([^"]+)", line \d+/;
// pytest's failure report: `src/_pytest/python.py:123: in pytest_pycollect_makeitem`, `E   AssertionError: …`.
const PYTEST_FRAME = /^\s*([\w./\\-]+\.[A-Za-z]{1,4}):\d+:(?: in \S+|\s*$)/;
const PYTEST_E = /^E {2,}/;
const ERROR_LINE = /(?:^|\s)(?:[\w.]*(?:Error|Exception|Warning|Exit)|error|ERROR|fatal|FATAL)\s*:\s*(\S.*)$/;
const CODE_CHARS = /[=(){}[\];]|^\s*(def|class|import|from|return|raise|assert|for|while|if|with|print)\b/;

function codeShaped(line: string): boolean {
  const words = line.trim().split(/\s+/).length;
  // A sentence that mentions code (`it calls foo(x).`) is prose: long, or ended by a full stop after a word.
  return CODE_CHARS.test(line) && (words <= 8 || !/[\p{L}\p{N}][.?!]["')\]]?$/u.test(line.trim()));
}

/** Cuts an issue's text into its segments. */
export function segmentIssue(text: string): IssueSegments {
  const prose: string[] = [];
  const code: string[] = [];
  const traceback: string[] = [];
  const framePaths: string[] = [];
  const messages: string[] = [];
  let fenced = false;
  let inTraceback = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) {
      fenced = !fenced;
      continue;
    }
    const frame = FRAME.exec(line) ?? PYTEST_FRAME.exec(line);
    if (frame?.[1]) framePaths.push(frame[1]);
    if (TRACEBACK_START.test(line)) inTraceback = true;
    const error = ERROR_LINE.exec(line.replace(PYTEST_E, ''));
    if (inTraceback || frame || PYTEST_E.test(line)) {
      traceback.push(line);
      // The error line ends a traceback (`ValueError: …` at its first column).
      if (inTraceback && error && !/^\s/.test(line)) inTraceback = false;
    } else if (fenced || PROMPT.test(line) || /^( {4}|\t)/.test(line) || codeShaped(line)) code.push(line);
    else {
      // Inline code spans are code the user marked as such; the sentence around them is prose.
      prose.push(
        line.replace(/`([^`\n]+)`/g, (_, span: string) => {
          code.push(span);
          return ' ';
        }),
      );
      for (const m of line.matchAll(/"([^"\n]{8,200})"|“([^”\n]{8,200})”/g)) {
        const quoted = m[1] ?? m[2] ?? '';
        if (quoted.split(/\s+/).length >= 3) messages.push(quoted);
      }
    }
    if (error?.[1] && error[1].split(/\s+/).length >= 2) messages.push(error[1]);
  }
  return {
    prose: prose.join('\n'),
    code: code.join('\n'),
    traceback: traceback.join('\n'),
    framePaths: [...new Set(framePaths)].slice(0, 32),
    messages: [...new Set(messages)].slice(0, 16),
  };
}
