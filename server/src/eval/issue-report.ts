// Pure. The Markdown report of an issue-style eval run: file Acc@1/5/10 and function Acc@10 of every mode, in percent.
import type { IssueSummary } from './issue-metrics.js';
import type { IssueEvalResult } from './run-issue-eval.js';

const pct = (x: number) => (100 * x).toFixed(1);

export function formatIssueMarkdown(result: IssueEvalResult): string {
  const modes = Object.entries(result.modes);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  const rows: [string, (s: IssueSummary) => string][] = [
    ['file Acc@1', (s) => pct(s.fileAcc1)],
    ['file Acc@5', (s) => pct(s.fileAcc5)],
    ['file Acc@10', (s) => pct(s.fileAcc10)],
    ['function Acc@10', (s) => `${pct(s.funcAcc10)} (n=${s.functionN})`],
  ];
  let md = `codectx eval: ${result.questions} issue-style questions (${result.datasets.join(', ')}), % of questions\n\n`;
  md += line(['metric', ...modes.map(([name]) => name)]);
  md += line(['---', ...modes.map(() => '---:')]);
  for (const [label, cell] of rows) md += line([label, ...modes.map(([, m]) => cell(m.total))]);
  md += line(['latency p50', ...modes.map(([, m]) => (m.total.latencyMs ? `${Math.round(m.total.latencyMs.p50)} ms` : '–'))]);
  const kinds = Object.keys(modes[0]?.[1].byKind ?? {});
  if (kinds.length > 1) {
    md += `\nBy kind: file Acc@5 · function Acc@10\n\n`;
    md += line(['kind', 'n', ...modes.map(([name]) => name)]);
    md += line(['---', '---:', ...modes.map(() => '---:')]);
    for (const kind of kinds)
      md += line([
        kind,
        String(modes[0]?.[1].byKind[kind]?.n ?? 0),
        ...modes.map(([, m]) => {
          const s = m.byKind[kind] as IssueSummary;
          return `${pct(s.fileAcc5)} · ${pct(s.funcAcc10)}`;
        }),
      ]);
  }
  md +=
    '\nfile Acc@k: every gold file among the first k distinct files; function Acc@10: every gold `path::symbol` among the first 10 distinct (path, symbol) pairs (questions whose gold names no definition are left out: n).\n';
  return md;
}
