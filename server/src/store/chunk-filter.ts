// Pure. A restriction of chunks by their file's path and language, as SQL over the `files` table.

/** Restricts candidates by file path (SQLite GLOB patterns) and language. */
export interface ChunkFilter {
  globs?: string[];
  languages?: string[];
}

/** The WHERE clauses (over `files f`) and their arguments that a ChunkFilter stands for. */
export function filterClauses(filter: ChunkFilter): { where: string[]; args: string[] } {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.globs?.length) {
    where.push(`(${filter.globs.map(() => 'f.path GLOB ?').join(' OR ')})`);
    args.push(...filter.globs);
  }
  if (filter.languages?.length) {
    where.push(`f.language IN (${filter.languages.map(() => '?').join(', ')})`);
    args.push(...filter.languages);
  }
  return { where, args };
}
