// `--batch FILE` of search and context: one question a line, all read and checked first, answered as JSON Lines in order.
import { readFileSync } from 'node:fs';
import { contextJson } from './cli-output.js';
import { UsageError } from './cli-usage.js';
import { type ContextOptions, checkBudget, type Engine, type RankMode } from './engine.js';

/** Runs `op`; when the index was found damaged and started afresh meanwhile, fills it and runs `op` again. */
export type Healed = <T>(op: () => T | Promise<T>) => Promise<T>;

/** One line of a --batch file: plain text (the whole line is the query) or JSON `{id, query, budget}`. */
export interface BatchLine {
  id: unknown;
  query: string;
  budget?: number;
}

/**
 * The lines of a --batch file (`-` for stdin), all read and checked before any is answered, so that a bad line (a
 * budget out of range) is a usage error naming its line number, not an answer cut halfway.
 */
export function readBatch(file: string): BatchLine[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --batch ${file}: ${(error as Error).message}`);
  }
  const lines: BatchLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const id = lines.length + 1;
    let obj: { id?: unknown; query?: unknown; budget?: unknown } | undefined;
    if (line.startsWith('{')) {
      try {
        obj = JSON.parse(line);
      } catch {
        // Not JSON after all: the whole line is the query.
      }
    }
    if (typeof obj?.query !== 'string') {
      lines.push({ id, query: line });
      continue;
    }
    let budget: number | undefined;
    if (obj.budget !== undefined) {
      try {
        budget = checkBudget(obj.budget, 'budget');
      } catch (error) {
        throw new UsageError(`--batch ${file} line ${i + 1}: ${(error as Error).message}`);
      }
    }
    lines.push({ id: obj.id ?? id, query: obj.query, budget });
  }
  return lines;
}

/** `search --batch`: one JSON object a line ({id, query, results, tookMs}), in the order of the file. */
export async function runSearchBatch(
  engine: Engine,
  lines: BatchLine[],
  limit: number,
  mode: RankMode,
  healed: Healed,
): Promise<number> {
  for (const { id, query } of lines) {
    const { results, tookMs } = await healed(() => engine.search(query, { limit, mode }));
    process.stdout.write(`${JSON.stringify({ id, query, results, tookMs: Math.round(tookMs * 100) / 100 })}\n`);
  }
  return 0;
}

/** `context --batch`: one `context --json` object a line, with the line's id, in the order of the file. */
export async function runContextBatch(
  engine: Engine,
  lines: BatchLine[],
  options: ContextOptions,
  healed: Healed,
): Promise<number> {
  for (const { id, query, budget } of lines) {
    const bundle = await healed(() => engine.context(query, { ...options, budgetTokens: budget ?? options.budgetTokens }));
    process.stdout.write(`${JSON.stringify({ id, ...contextJson(bundle) })}\n`);
  }
  return 0;
}
