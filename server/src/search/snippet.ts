// Pure. A short excerpt of a chunk: the lines where the query's terms are densest.

const MAX_LINES = 3;
const MAX_WIDTH = 160;

export function snippet(content: string, terms: string[]): string {
  const lines = content.split('\n');
  let best = lines.findIndex((l) => l.trim() !== '');
  let bestHits = 0;
  if (terms.length) {
    lines.forEach((line, i) => {
      const lower = line.toLowerCase();
      let hits = 0;
      for (const t of terms) if (lower.includes(t)) hits++;
      if (hits > bestHits) {
        bestHits = hits;
        best = i;
      }
    });
  }
  if (best < 0) return '';
  const picked: string[] = [];
  for (let i = best; i < lines.length && picked.length < MAX_LINES; i++) {
    const line = (lines[i] ?? '').replace(/\s+$/, '');
    if (line.trim() === '' && picked.length === 0) continue;
    picked.push(line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH - 1)}…` : line);
  }
  // Strip the common indentation so a method's lines read well on their own.
  const indent = Math.min(...picked.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  return picked.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
