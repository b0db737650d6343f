import { describe, expect, it } from 'vitest';
import { isIssueShaped, issueSearchText, segmentIssue, titleWords } from './query-segments.js';

const ISSUE = `Crash when collecting a module with a NOTE in its docstring
When I run pytest on a file whose docstring holds a HTTP link, collection crashes. I think the cause is in
\`_importtestmodule\` and the way the Module collector reads the file.

\`\`\`python
def test_x():
    assert parse_url("http://x") == 1
\`\`\`

Traceback (most recent call last):
  File "/usr/lib/python3/site-packages/_pytest/python.py", line 498, in _importtestmodule
    mod = self.fspath.pyimport()
ValueError: cannot import module from path foo.py
src/_pytest/nodes.py:120: in warn
E   TypeError: "unexpected keyword argument 'foo'"

The message says "could not find a test module here" in the log.`;

describe('segmentIssue', () => {
  const s = segmentIssue(ISSUE);
  it('puts sentences in prose, fenced and inline code in code, frames and errors in the traceback', () => {
    expect(s.prose).toMatch(/collection crashes/);
    expect(s.prose).not.toMatch(/_importtestmodule|parse_url/);
    expect(s.code).toMatch(/parse_url/);
    expect(s.code).toMatch(/_importtestmodule/);
    expect(s.traceback).toMatch(/pyimport/);
    expect(s.traceback).toMatch(/ValueError: cannot import/);
    expect(s.prose).not.toMatch(/ValueError/);
  });
  it('names the frames’ files and the quoted and raised messages', () => {
    expect(s.framePaths).toEqual(['/usr/lib/python3/site-packages/_pytest/python.py', 'src/_pytest/nodes.py']);
    expect(s.messages).toEqual([
      'cannot import module from path foo.py',
      `"unexpected keyword argument 'foo'"`,
      'could not find a test module here',
    ]);
  });
});

describe('isIssueShaped', () => {
  it('takes a pasted issue, not a question of one line however long', () => {
    expect(isIssueShaped(ISSUE)).toBe(true);
    expect(isIssueShaped(`how does the cache decide ${'that an entry is stale and must be fetched again '.repeat(5)}`)).toBe(
      false,
    );
    expect(isIssueShaped('short\nlines\nonly')).toBe(false);
  });
});

describe('issueSearchText', () => {
  it('drops template, version report and console layout, cuts absolute paths to their last folder and file', () => {
    const text = [
      'Rewrite fails when the first expression is a number',
      '<!--',
      'Thanks for submitting an issue!',
      '-->',
      '- [x] a detailed description of the bug',
      '### Environment',
      'Python version:        3.11.3 (main, Apr  5 2023)',
      'pluggy             1.0.0',
      'Successfully installed GitPython-3.1.31 Markdown-3.3.7',
      '============================= test session starts =============================',
      '_No response_',
      '/usr/local/lib/python3.8/site-packages/_pytest/runner.py:341: in from_call',
      'The docstring check reads the number as a string.',
    ].join('\n');
    expect(issueSearchText(text).split('\n')).toEqual([
      'Rewrite fails when the first expression is a number',
      ' ',
      '_pytest/runner.py:341: in from_call',
      'The docstring check reads the number as a string.',
    ]);
  });
  it('keeps relative paths and sentences with a colon', () => {
    const text = 'See src/_pytest/nodes.py for the cause.\nThe reason: it reads the file twice.';
    expect(issueSearchText(text)).toBe(text);
  });
});

describe('titleWords', () => {
  it("takes the first line's words without numbers, and nothing from a first line of over 20 words", () => {
    expect(titleWords('Sphinx 3.2 complains about option:: syntax\nbody')).toEqual([
      'sphinx',
      'complains',
      'about',
      'option',
      'syntax',
    ]);
    expect(titleWords(`${'word '.repeat(21)}\nbody`)).toEqual([]);
  });
});
