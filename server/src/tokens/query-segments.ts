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

// What an issue template and a version report add to an issue: words of every issue, never of its subject.
const HTML_COMMENT = /<!--[\s\S]*?(-->|$)/g;
const CHECKLIST = /^\s*[-*+] \[[ xX]\]/;
const SHORT_HEADING = /^\s*#{1,6}\s+(\S+\s*){0,4}$/;
const VERSION_LINE =
  /^\s*[\w.[\]-]+\s+v?\d+(\.\d+)+[\w.+-]*\s*$|^\s*-{3,}\s+-{3,}|^\s*(Successfully installed|Installing collected packages|Requirement already satisfied|Collecting|Downloading|Using cached)\b|^\s*(platform \S+ -- Python|rootdir:|cachedir:|plugins:|configfile:|collect(ing|ed) \.\.\.|collected \d+ items?)/i;
/** `Python version: 3.11.3 (main, …)`, `- OS: macOS 12.1`: a key of at most four words, a value with a version. */
const VERSION_KEY = /^\s*[-*]?\s*(\p{L}[\p{L}\p{N}._()/-]*)(\s+[\p{L}\p{N}._()/-]+){0,3}:\s.*\d+\.\d+/u;
/** An issue form's empty answer. */
const NO_RESPONSE = /^\s*_No response_\s*$/;
/** A console rule, with a title or without (`==== FAILURES ====`, `____ test_x ____`): the runner's layout. */
const RULE_LINE = /^\s*[=_-]{4,}.*[=_-]{4,}\s*$|^\s*[=_-]{4,}\s*$/;
/** A path with folders: the folders (group 1) and the last folder and file (group 2). */
const FOLDERS = /((?:[A-Za-z]:)?[\\/]?(?:[^\s"'\\/:]+[\\/])+)([^\s"'\\/:]+[\\/][^\s"'\\/:]+\.\w{1,4})/g;

function boilerplate(line: string): boolean {
  return [CHECKLIST, SHORT_HEADING, VERSION_LINE, VERSION_KEY, NO_RESPONSE, RULE_LINE].some((re) => re.test(line));
}

/**
 * An issue's text without what its template and its reports add to every issue: HTML comments, checklists, short
 * headings (`### Environment`), version reports (`pip list` rows, install logs, `Python version: 3.11`, a test run's
 * header), empty form answers and console rules; an absolute path keeps its last folder and file
 * (`/usr/local/lib/python3.8/site-packages/_pytest/runner.py` → `_pytest/runner.py`). The other lines stay, in order.
 */
export function issueSearchText(text: string): string {
  return text
    .replace(HTML_COMMENT, ' ')
    .split('\n')
    .filter((line) => !boilerplate(line))
    .map((line) => line.replace(FOLDERS, (whole, dirs: string, tail: string) => (/^([A-Za-z]:)?[\\/]/.test(dirs) ? tail : whole)))
    .join('\n');
}

/** The words of an issue's title (its first line, when that has at most 20 words), lowercased, numbers left out. */
export function titleWords(text: string): string[] {
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  const words = [...first.matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => m[0].toLowerCase());
  return words.length <= 20 ? [...new Set(words.filter((w) => !/^\d+$/.test(w)))] : [];
}
