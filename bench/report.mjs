// Pure: summary statistics and the generated Markdown section of docs/benchmarks.md.
// Invariant: only the text between the bench markers is ever replaced; the hand-written rest is kept as it is.

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** Nearest-rank percentile (p in 0..100) of numbers; null for an empty list. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(values) {
  return percentile(values, 50);
}

/** { n, p50, p95, mean, max } of a list of milliseconds. */
export function summarize(values) {
  if (values.length === 0) return { n: 0, p50: null, p95: null, mean: null, max: null };
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    mean: sum / values.length,
    max: Math.max(...values),
  };
}

const int = (n) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const ms = (n) => (n == null ? '–' : n >= 100 ? `${Math.round(n)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`);
const secs = (msv) => (msv == null ? '–' : `${(msv / 1000).toFixed(msv >= 10000 ? 1 : 2)} s`);
const mib = (bytes) => (bytes == null ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
const pct = (x) => (x == null ? '–' : `${(x * 100).toFixed(0)}%`);
const ratio = (x) => (x == null ? '–' : x >= 10 ? `${x.toFixed(0)}×` : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toFixed(3)}×`);
const pair = (a, b, f) => `${f(a)} / ${f(b)}`;
const mark = (ok) => (ok == null ? '' : ok ? ' ✅' : ' ❌');

/** Targets from docs/benchmarks.md; index time and memory are stated for the Go standard library. */
export const TARGETS = {
  indexMs: { value: 90_000, label: '< 90 s', corpora: ['go'] },
  // The kernel's (issue 21): a fresh lexical index < 2 min, an index file < 2 GB, a cold search process < 1 s.
  lexicalIndexMs: { value: 120_000, label: '< 2 min', corpora: ['linux'] },
  indexBytes: { value: 2e9, label: '< 2 GB (1,907 MiB)', corpora: ['linux'] },
  peakRssBytes: { value: 1024 ** 3, label: '< 1 GiB', corpora: ['go', 'linux'] },
  reindexMs: { value: 5_000, label: '< 5 s', corpora: ['go', 'django', 'go+django', 'linux'] },
  searchP50Ms: { value: 20, label: 'p50 < 20 ms', corpora: ['go', 'django', 'go+django', 'linux'] },
  coldMs: { value: 1_000, label: '< 1 s', corpora: ['linux'] },
};

/** The hybrid search target, stated for an index of at least `minChunks` chunks (judged on any corpus that big). */
export const HYBRID_TARGET = { p50Ms: 30, p95Ms: 80, minChunks: 100_000, label: 'p50 ≤ 30 ms, p95 ≤ 80 ms at ≥ 100k chunks' };

/** The order of the corpora's tables in the generated section; other corpora (linux, a --subdir sample) follow by name. */
export const CORPUS_ORDER = ['go', 'django', 'go+django'];

function target(name, corpus, value) {
  const t = TARGETS[name];
  if (!t.corpora.includes(corpus)) return '';
  return `${t.label}${value == null ? '' : mark(value < t.value)}`;
}

/** This run's figure over the Go standard library's (`go`, the same results file), or '' when either is missing. */
function overGo(value, goValue) {
  return value == null || goValue == null || goValue === 0 ? '' : ratio(value / goValue);
}

/** The hybrid target cell: judged (✅/❌) only when the index run reported at least HYBRID_TARGET.minChunks chunks. */
function hybridTarget(chunks, all) {
  const t = HYBRID_TARGET;
  if (chunks == null) return `${t.label}; not judged, the index run reported no chunk count`;
  if (chunks < t.minChunks) return `${t.label}; not judged, ${int(chunks)} chunks is below the size it is about`;
  return `${t.label}${all?.p50 == null || all?.p95 == null ? '' : mark(all.p50 <= t.p50Ms && all.p95 <= t.p95Ms)}`;
}

/** Where the corpus's files come from: a package's tree, or copies of several in one root. */
function origin(c) {
  const one = (p) =>
    p.tarball
      ? `\`${p.path}\`, unpacked from \`${p.tarball}\` (Debian package \`${p.pkg}\` ${p.pkgVersion ?? ''})`
      : `\`${p.path}\` from Debian package \`${p.pkg}\` ${p.pkgVersion ?? ''}`.trimEnd();
  if (!c.parts) return one(c);
  return `\`${c.path}\`, one root holding copies (\`cp -a\`) of ${c.parts.map((p) => `${one(p)} in \`${p.dir}/\``).join(' and ')}`;
}

function skippedText(skipped) {
  if (!skipped || typeof skipped !== 'object') return '–';
  const entries = Object.entries(skipped)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return '0';
  return `${int(total)} (${entries.map(([k, n]) => `${k} ${int(n)}`).join(', ')})`;
}

/**
 * The Markdown for one corpus's results; with `go` (the Go standard library's results, for another corpus) a column
 * gives each main figure as a multiple of Go's.
 */
export function corpusSection(r, go) {
  const lines = [];
  const c = r.corpus;
  lines.push(`### ${c.title}`);
  lines.push('');
  lines.push(
    `${origin(c)}; measured ${r.measuredAt} ` +
      (r.commit === 'uncommitted' ? 'on a tree with no commit yet.' : `at commit ${r.commit}.`),
  );
  lines.push('');
  if (r.error) {
    lines.push(`**Problems in this run:** ${r.error}`);
    lines.push('');
  }
  const k = r.counts ?? {};
  const ix = r.index ?? {};
  const re = r.reindex ?? {};
  const s = r.search ?? {};
  const cold = r.cold ?? {};
  const rg = r.rg ?? {};
  const ext = c.ext;
  const g = { index: go?.index ?? {}, reindex: go?.reindex ?? {}, search: go?.search ?? {}, cold: go?.cold ?? {} };
  const coldMode = cold.mode ?? 'hybrid';
  // Index times and cold processes compare only between runs that did the same: both with embeddings or both without.
  const sameIndex = Boolean(ix.embedded) === Boolean(g.index.embedded);
  const sameCold = coldMode === (g.cold.mode ?? 'hybrid');
  // Each row: metric, value, target, and its value over Go's (a fourth column when `go` is given).
  const rows = [
    [`files in corpus: all / text / ${ext}`, `${int(k.files)} / ${int(k.textFiles)} / ${int(k.sourceFiles)}`, ''],
    [`lines: ${ext} source / all text files`, pair(k.sourceLines, k.textLines, int), ''],
    ['files indexed', int(ix.files), ''],
    ['files skipped (by reason)', skippedText(ix.skipped), ''],
    ['chunks / symbols / files that failed to parse', `${int(ix.chunks)} / ${int(ix.symbols)} / ${int(ix.parseFailures)}`, ''],
    ['index time, fresh (wall, embeddings included)', secs(ix.wallMs), '', sameIndex ? overGo(ix.wallMs, g.index.wallMs) : ''],
    [
      'of which lexical index (walk, chunk, FTS5)',
      secs(ix.elapsedMsCli),
      target('indexMs', c.name, ix.elapsedMsCli) || target('lexicalIndexMs', c.name, ix.elapsedMsCli),
      overGo(ix.elapsedMsCli, g.index.elapsedMsCli),
    ],
    [
      'of which embeddings: chunks, time, throughput',
      ix.embedded
        ? `${int(ix.embedded)} in ${secs(ix.embedMs)} (${int(ix.embeddingsComputed / (ix.embedMs / 1000))} chunks/s)`
        : 'off',
      '',
    ],
    [`indexing speed (${ext} lines / wall s)`, ix.linesPerSec == null ? '–' : `${int(ix.linesPerSec)} lines/s`, ''],
    [
      'peak RSS while indexing',
      mib(ix.peakRssBytes),
      target('peakRssBytes', c.name, ix.peakRssBytes),
      sameIndex ? overGo(ix.peakRssBytes, g.index.peakRssBytes) : '',
    ],
    [
      `index size (bytes per ${ext} line)`,
      ix.indexBytes == null ? '–' : `${mib(ix.indexBytes)} (${ix.bytesPerLine?.toFixed(0)} B/line)`,
      target('indexBytes', c.name, ix.indexBytes),
      sameIndex ? overGo(ix.indexBytes, g.index.indexBytes) : '',
    ],
    [
      're-run, nothing changed (wall)',
      secs(re.wallMs),
      target('reindexMs', c.name, re.wallMs),
      overGo(re.wallMs, g.reindex.wallMs),
    ],
    [
      `lexical search in batch, all ${s.all?.n ?? ''} queries: p50 / p95`,
      pair(s.all?.p50, s.all?.p95, ms),
      target('searchP50Ms', c.name, s.all?.p50),
      go ? `${overGo(s.all?.p50, g.search.all?.p50)} / ${overGo(s.all?.p95, g.search.all?.p95)}` : '',
    ],
    [`search in batch, ${s.identifier?.n ?? ''} identifier: p50 / p95`, pair(s.identifier?.p50, s.identifier?.p95, ms), ''],
    [`search in batch, ${s.natural?.n ?? ''} natural: p50 / p95`, pair(s.natural?.p50, s.natural?.p95, ms), ''],
    [
      `hybrid search in batch (model loaded), all: p50 / p95`,
      r.searchHybrid ? pair(r.searchHybrid.all?.p50, r.searchHybrid.all?.p95, ms) : 'no embeddings',
      r.searchHybrid ? hybridTarget(ix.chunks, r.searchHybrid.all) : '',
    ],
    [
      `one search process (${coldMode}), cold start (wall, median of ${cold.runs?.length ?? 0})`,
      ms(cold.medianMs),
      TARGETS.coldMs.corpora.includes(c.name) ? target('coldMs', c.name, cold.medianMs) : '< 1.5 s',
      sameCold ? overGo(cold.medianMs, g.cold.medianMs) : '',
    ],
    [`ripgrep, all ${rg.all?.n ?? ''} queries (wall per process): p50 / p95`, pair(rg.all?.p50, rg.all?.p95, ms), ''],
    ['ripgrep, identifier / natural: p50', pair(rg.identifier?.p50, rg.natural?.p50, ms), ''],
    ['codectx batch p50 / rg p50 (in-process vs whole process)', ratio(r.ratios?.batchP50OverRgP50), ''],
    ['codectx single process / rg p50 (both whole process)', ratio(r.ratios?.coldOverRgP50), ''],
    ['sanity: queries with results / with their source file in results', pair(s.withResults, s.sourceFileHit, pct), ''],
  ];
  if (go) {
    lines.push('| metric | value | target | × Go |');
    lines.push('|---|---:|---|---:|');
    for (const [m, v, t, x] of rows) lines.push(`| ${m} | ${v} | ${t} | ${x ?? ''} |`);
    lines.push('');
    const goCold = go.cold?.mode ?? 'hybrid';
    lines.push(
      `× Go: the figure over the Go standard library's (${go.measuredAt}, commit ${go.commit}; its cold process ${goCold}` +
        `${go.index?.embedded ? ', its index with embeddings' : ''}); left empty where the two runs measured different things.`,
    );
    lines.push('');
  } else {
    lines.push('| metric | value | target |');
    lines.push('|---|---:|---|');
    for (const [m, v, t] of rows) lines.push(`| ${m} | ${v} | ${t} |`);
    lines.push('');
  }
  if (ix.warnings?.length) {
    lines.push('The CLI warned while indexing:');
    lines.push('');
    for (const w of ix.warnings) lines.push(`- \`${w.replace(/`/g, "'")}\``);
    lines.push('');
  }
  return lines.join('\n');
}

/** The generated section: run metadata and one table per corpus, in a stable order. */
export function generatedSection(results) {
  const m = results.machine ?? {};
  const out = [START, ''];
  out.push(
    `_Generated by \`npm run bench\` on ${results.date}. Machine: ${m.cores} cores, ${m.cpu}, ${m.memGiB} GiB RAM, ` +
      `Node ${m.node}, ${m.rg}. Raw numbers: \`bench/results/latest.json\`._`,
  );
  out.push('');
  const others = Object.keys(results.corpora ?? {})
    .filter((n) => !CORPUS_ORDER.includes(n))
    .sort();
  for (const name of [...CORPUS_ORDER, ...others]) {
    const r = results.corpora?.[name];
    // The kernel's table compares with Go's (issue 21: each target also as a ratio to the Go standard library run).
    const go = name.startsWith('linux') && name !== 'go' ? results.corpora?.go : undefined;
    if (r) out.push(corpusSection(r, go));
  }
  out.push(END);
  return out.join('\n');
}

/** Replace the generated section of `doc` (or append one when the markers are missing). */
export function replaceSection(doc, section) {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a === -1 || b === -1 || b < a) return `${doc.trimEnd()}\n\n## Results\n\n${section}\n`;
  return doc.slice(0, a) + section + doc.slice(b + END.length);
}
