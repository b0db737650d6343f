// Pure. The Markdown report of an eval run: one table with every mode side by side, then a breakdown per question kind.
// Invariant: a metric that does not apply (chunk level of a file-level mode) shows as n/a, never as 0.
import type { Level, MetricName, MetricSummary } from './metrics.js';
import { METRICS } from './metrics.js';
import type { EvalResult, Totals } from './run-eval.js';

const LABELS: Record<MetricName, string> = {
  hit1: 'hit@1',
  hit5: 'hit@5',
  hit10: 'hit@10',
  recall: 'recall@k',
  mrr10: 'MRR@10',
  ndcg10: 'nDCG@10',
};

export function metricLabel(metric: MetricName, k: number): string {
  return metric === 'recall' ? `recall@${k}` : LABELS[metric];
}

const num = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
const ms = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);

function table(header: string[], align: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

function at(t: Totals, level: Level): MetricSummary | undefined {
  return (level === 'chunk' ? t.chunk : t.file) ?? undefined;
}

/** The whole report in Markdown: title line, the totals table, the per-kind table and a legend. */
export function formatMarkdown(result: EvalResult): string {
  const modes = Object.entries(result.modes);
  const names = modes.map(([name]) => name);
  const rows: string[][] = [];
  for (const level of ['chunk', 'file'] as const)
    for (const metric of METRICS)
      rows.push([`${level} ${metricLabel(metric, result.k)}`, ...modes.map(([, m]) => num(at(m.total, level)?.[metric]))]);
  rows.push(['latency p50', ...modes.map(([, m]) => ms(m.total.latencyMs?.p50))]);
  rows.push(['latency p95', ...modes.map(([, m]) => ms(m.total.latencyMs?.p95))]);
  const totals = table(['metric', ...names], ['---', ...names.map(() => '---:')], rows);

  // Per kind: hit@10 and MRR@10 at each level a mode is scored at.
  const columns = modes.flatMap(([name, m]) =>
    (m.level === 'chunk' ? (['chunk', 'file'] as const) : (['file'] as const)).map((level) => ({ name, level, m })),
  );
  const kinds = Object.keys(modes[0]?.[1].byKind ?? {});
  const kindRows = kinds.map((kind) => [
    kind,
    String(modes[0]?.[1].byKind[kind]?.n ?? 0),
    ...columns.map(({ level, m }) => {
      const s = at(m.byKind[kind] as Totals, level);
      return s ? `${num(s.hit10)} · ${num(s.mrr10)}` : 'n/a';
    }),
  ]);
  const byKind = table(
    ['kind', 'n', ...columns.map((c) => `${c.name} ${c.level}`)],
    ['---', '---:', ...columns.map(() => '---:')],
    kindRows,
  );
  const rescue = rescued(result);
  const rescueLine = rescue.length
    ? `\nOf the ${rescue[0]?.missed} questions lexical misses (no chunk hit in its top 10), ${rescue
        .map((r) => `${r.mode} finds ${r.found} (${r.missed ? Math.round((100 * r.found) / r.missed) : 0}%)`)
        .join(', ')}.\n`
    : '';
  const against = versusLexical(result)
    .map((v) => {
      const shown = v.worse.slice(0, MAX_LISTED).map((w) => `${w.id} ${w.lexical}→${w.other ?? '–'}`);
      const more = v.worse.length > MAX_LISTED ? `, and ${v.worse.length - MAX_LISTED} more` : '';
      return `${v.mode} ranks ${v.better} questions above lexical and ${v.worse.length} below${shown.length ? ` (${shown.join(', ')}${more})` : ''}`;
    })
    .join('; ');
  const againstLine = against ? `\nQuestion by question (rank in the top 10, – when missed): ${against}.\n` : '';
  const title = `codectx eval: ${result.questions} questions (${result.datasets.join(', ')}), k = ${result.k}`;
  const legend = [
    'chunk: a result hits when it is in a gold file and overlaps a gold line range; file: when its path is a gold path.',
    'File-level modes (grep) return whole files, so their chunk-level metrics are n/a.',
  ].join('\n');
  return `${title}\n\n${totals}\n\nPer kind: hit@10 · MRR@10\n\n${byKind}\n${rescueLine}${againstLine}${contextSection(result)}\n${legend}\n`;
}

/**
 * Context recall@budget beside chunk hit@5 of each chunk-level mode (plain search), overall and per kind. Empty when
 * the run measured no context.
 */
export function contextSection(result: EvalResult): string {
  const c = result.context;
  if (!c) return '';
  const chunkModes = Object.entries(result.modes).filter(([, m]) => m.level === 'chunk');
  const header = ['', 'n', ...c.budgets.map((b) => `context recall@${budgetLabel(b)}`), ...chunkModes.map(([n]) => `${n} hit@5`)];
  const row = (name: string, n: number, recall: Record<string, number> | undefined, kind?: string) => [
    name,
    String(n),
    ...c.budgets.map((b) => num(recall?.[b])),
    ...chunkModes.map(([, m]) => num((kind ? m.byKind[kind] : m.total)?.chunk?.hit5)),
  ];
  const kinds = Object.keys(c.byKind);
  const rows = [
    row('all', result.questions, c.total),
    ...kinds.map((kind) => row(kind, c.queries.filter((q) => q.kind === kind).length, c.byKind[kind], kind)),
  ];
  const latency = c.latencyMs ? ` codectx context took ${ms(c.latencyMs.p50)} (p50), ${ms(c.latencyMs.p95)} (p95).` : '';
  return (
    `\nContext recall@budget: the share of gold ranges wholly inside the packed context (codectx context, markdown, o200k ` +
    `tokens), beside chunk hit@5 of plain search.${latency}\n\n${table(header, ['---', ...header.slice(1).map(() => '---:')], rows)}\n`
  );
}

function budgetLabel(tokens: number): string {
  return tokens % 1000 === 0 ? `${tokens / 1000}k` : String(tokens);
}

/** The report names at most this many questions that a mode ranks below lexical. */
const MAX_LISTED = 10;

const inTop10 = (rank: number | null): number | null => (rank !== null && rank <= 10 ? rank : null);

/**
 * Each other chunk-level mode against lexical search, question by question: how many it ranks higher within the top
 * 10 (or finds where lexical misses), and which it ranks lower (or misses where lexical finds), with both ranks.
 * Empty without a lexical mode.
 */
export function versusLexical(
  result: EvalResult,
): { mode: string; better: number; worse: { id: string; lexical: number; other: number | null }[] }[] {
  const lexical = result.modes.lexical;
  if (!lexical) return [];
  const lexicalRank = new Map(lexical.queries.map((q) => [q.id, inTop10(q.chunkRank)]));
  const score = (rank: number | null) => (rank === null ? 0 : 1 / rank);
  return Object.entries(result.modes)
    .filter(([name, m]) => name !== 'lexical' && m.level === 'chunk')
    .map(([mode, m]) => {
      let better = 0;
      const worse: { id: string; lexical: number; other: number | null }[] = [];
      for (const q of m.queries) {
        const before = lexicalRank.get(q.id) ?? null;
        const after = inTop10(q.chunkRank);
        if (score(after) > score(before)) better++;
        else if (before !== null && score(after) < score(before)) worse.push({ id: q.id, lexical: before, other: after });
      }
      return { mode, better, worse };
    });
}

/**
 * What the other chunk-level modes add to lexical search: of the questions lexical misses (no chunk hit in its top 10),
 * how many each other mode finds in its top 10. Empty without a lexical mode.
 */
export function rescued(result: EvalResult): { mode: string; missed: number; found: number }[] {
  const lexical = result.modes.lexical;
  if (!lexical) return [];
  const missed = new Set(lexical.queries.filter((q) => q.chunkRank === null || q.chunkRank > 10).map((q) => q.id));
  return Object.entries(result.modes)
    .filter(([name, m]) => name !== 'lexical' && m.level === 'chunk')
    .map(([mode, m]) => ({
      mode,
      missed: missed.size,
      found: m.queries.filter((q) => missed.has(q.id) && q.chunkRank !== null && q.chunkRank <= 10).length,
    }));
}
