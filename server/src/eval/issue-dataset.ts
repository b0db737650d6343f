// Issue-style datasets in JSON Lines: {"id","query","gold":[{"path","symbols":["Class.method",…]}],"kind"?} per line, as
// ../shared/dev-issues writes them (other fields, such as repo and baseCommit, are ignored).
// Invariant: parseIssueDataset never throws, it returns every problem with its line.
import type { IssueGold } from './issue-metrics.js';

export interface IssueQuestion {
  id: string;
  query: string;
  gold: IssueGold[];
  /** Free text; 'issue' when the line has none. */
  kind: string;
  dataset: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when the first JSON line's gold entries name files and symbols (no line ranges): an issue-style dataset. */
export function isIssueDataset(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  if (first === undefined) return false;
  try {
    const value: unknown = JSON.parse(first);
    const gold = isObject(value) ? value.gold : undefined;
    return Array.isArray(gold) && isObject(gold[0]) && Array.isArray(gold[0].symbols) && gold[0].startLine === undefined;
  } catch {
    return false;
  }
}

function parseGold(value: unknown, where: string, errors: string[]): IssueGold | undefined {
  if (!isObject(value)) {
    errors.push(`${where}: a gold entry must be an object`);
    return undefined;
  }
  const { path, symbols } = value;
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || path.split('/').includes('..')) {
    errors.push(`${where}: path must be a non-empty repository-relative path with '/'`);
    return undefined;
  }
  if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== 'string')) {
    errors.push(`${where}: symbols must be an array of strings`);
    return undefined;
  }
  return { path, symbols: symbols as string[] };
}

/** Parses one issue-style dataset's text. `source` names it in errors and in `IssueQuestion.dataset`. */
export function parseIssueDataset(text: string, source: string): { questions: IssueQuestion[]; errors: string[] } {
  const questions: IssueQuestion[] = [];
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
      gold: entries as IssueGold[],
      kind: (kind as string | undefined) || 'issue',
      dataset: source,
    });
  });
  if (questions.length === 0 && errors.length === 0) errors.push(`${source}: no questions`);
  return { questions, errors };
}
