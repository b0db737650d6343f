// Pure. Packs ranked chunks into a token budget: best first, no overlapping duplicates, each with its citation.

export interface PackInput {
  /** The repository of `path` when items come from several (workspace folders): equal paths elsewhere never overlap. */
  repo?: string;
  path: string;
  startLine: number;
  endLine: number;
  content: string;
  score: number;
}

export interface Packed<T extends PackInput> {
  item: T;
  citation: string;
  tokens: number;
}

/** A rough token count for code: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Takes items in rank order while they fit; an item too large for what is left is passed over for smaller ones.
 * An item whose lines overlap one already taken from the same file (same repository and path) is dropped (a skeleton
 * and its member, say).
 */
export function packContext<T extends PackInput>(ranked: T[], budgetTokens: number): { packed: Packed<T>[]; usedTokens: number } {
  const packed: Packed<T>[] = [];
  let used = 0;
  for (const item of ranked) {
    const tokens = estimateTokens(item.content) + 8; // the citation line and fences around it
    if (used + tokens > budgetTokens) continue;
    const overlaps = packed.some(
      (p) =>
        p.item.path === item.path &&
        p.item.repo === item.repo &&
        p.item.startLine <= item.endLine &&
        item.startLine <= p.item.endLine,
    );
    if (overlaps) continue;
    packed.push({ item, citation: `${item.path}:${item.startLine}-${item.endLine}`, tokens });
    used += tokens;
  }
  return { packed, usedTokens: used };
}
