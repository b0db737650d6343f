// Evaluation datasets in JSON Lines: {"id","query","gold":[{"path","startLine","endLine","symbol"}],"kind"} per line
// (issue-style datasets, gold files with symbols, are parsed by issue-dataset.ts; loadSuite reads either).
// Invariant: parseDataset never throws, it returns every problem with its line; loadDatasets throws one DatasetError.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type IssueQuestion, isIssueDataset, parseIssueDataset } from './issue-dataset.js';
import type { Span } from './metrics.js';

/** Where an answer is: a repository-relative path, a 1-based inclusive line range, and the symbol defined there. */
export interface GoldEntry extends Span {
  symbol: string;
}

export interface Question {
  id: string;
  query: string;
  gold: GoldEntry[];
  /** Free text (paraphrase, identifier, howto, debug, docstring, issue…); 'unlabelled' when the line has none. */
  kind: string;
  /** The dataset file's name, for reports. */
  dataset: string;
}

/** A dataset that cannot be read or has malformed lines; the eval command exits 2. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLine = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

function parseGold(value: unknown, where: string, errors: string[]): GoldEntry | undefined {
  if (!isObject(value)) {
    errors.push(`${where}: a gold entry must be an object`);
    return undefined;
  }
  const { path, startLine, endLine, symbol } = value;
  const problems: string[] = [];
  if (typeof path !== 'string' || path === '') problems.push('path must be a non-empty string');
  else if (path.startsWith('/') || path.includes('\\') || path.split('/').includes('..'))
    problems.push(`path '${path}' must be repository-relative with '/'`);
  if (!isLine(startLine)) problems.push('startLine must be an integer ≥ 1');
  if (!isLine(endLine) || (isLine(startLine) && endLine < startLine)) problems.push('endLine must be an integer ≥ startLine');
  if (symbol !== undefined && typeof symbol !== 'string') problems.push('symbol must be a string');
  if (problems.length) {
    errors.push(`${where}: ${problems.join('; ')}`);
    return undefined;
  }
  return { path: path as string, startLine: startLine as number, endLine: endLine as number, symbol: (symbol as string) ?? '' };
}

/** Parses one dataset's text. `source` names it in errors and in `Question.dataset`. */
export function parseDataset(text: string, source: string): { questions: Question[]; errors: string[] } {
  const questions: Question[] = [];
  const errors: string[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      errors.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    if (!isObject(value)) {
      errors.push(`${where}: a line must be a JSON object`);
      return;
    }
    const { id, query, gold, kind } = value;
    const before = errors.length;
    if (typeof id !== 'string' && typeof id !== 'number') errors.push(`${where}: id must be a string`);
    else if (ids.has(String(id))) errors.push(`${where}: duplicate id '${id}'`);
    if (typeof query !== 'string' || query.trim() === '') errors.push(`${where}: query must be a non-empty string`);
    if (kind !== undefined && typeof kind !== 'string') errors.push(`${where}: kind must be a string`);
    if (!Array.isArray(gold) || gold.length === 0) errors.push(`${where}: gold must be a non-empty array`);
    const entries = Array.isArray(gold) ? gold.map((g, j) => parseGold(g, `${where} gold[${j}]`, errors)) : [];
    if (errors.length > before) return;
    ids.add(String(id));
    questions.push({
      id: String(id),
      query: query as string,
      gold: entries as GoldEntry[],
      kind: (kind as string | undefined) || 'unlabelled',
      dataset: source,
    });
  });
  if (questions.length === 0 && errors.length === 0) errors.push(`${source}: no questions`);
  return { questions, errors };
}

/** What a run evaluates: span suites (line ranges, MRR and friends) or issue suites (files and symbols, Acc@k). */
export type Suite = { kind: 'spans'; questions: Question[] } | { kind: 'issues'; questions: IssueQuestion[] };

/** Reads and validates the datasets; ids must be unique across all of them. Throws DatasetError listing the problems. */
export function loadDatasets(files: string[]): Question[] {
  const suite = loadSuite(files);
  if (suite.kind === 'issues') throw new DatasetError('expected datasets with line ranges (gold startLine/endLine)');
  return suite.questions;
}

/**
 * Reads and validates the datasets, all of one style: the first file's first line decides (gold with `symbols` and no
 * line ranges: issues). Ids must be unique across all of them. Throws DatasetError listing the problems.
 */
export function loadSuite(files: string[]): Suite {
  const questions: (Question | IssueQuestion)[] = [];
  const errors: string[] = [];
  const ids = new Map<string, string>();
  let issues: boolean | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      errors.push(`cannot read dataset ${file}: ${(error as Error).message}`);
      continue;
    }
    const style = isIssueDataset(text);
    issues ??= style;
    if (style !== issues) {
      errors.push(`${basename(file)}: issue-style and line-range datasets cannot be evaluated in one run`);
      continue;
    }
    const parsed = issues ? parseIssueDataset(text, basename(file)) : parseDataset(text, basename(file));
    errors.push(...parsed.errors);
    for (const q of parsed.questions) {
      const other = ids.get(q.id);
      if (other !== undefined) errors.push(`${q.dataset}: id '${q.id}' is also in ${other}`);
      ids.set(q.id, q.dataset);
      questions.push(q);
    }
  }
  if (errors.length) {
    const more = errors.length > 10 ? `\n… and ${errors.length - 10} more` : '';
    throw new DatasetError(`invalid dataset:\n${errors.slice(0, 10).join('\n')}${more}`);
  }
  return issues
    ? { kind: 'issues', questions: questions as IssueQuestion[] }
    : { kind: 'spans', questions: questions as Question[] };
}
