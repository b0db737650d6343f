// Pure. Packs ranked candidates into a token budget and renders them. Invariant: the exact token count of the returned
// text, by the counter given, is never more than the budget, whatever the input.
import { candidateLines, type NumberedLines } from './candidate-lines.js';
import type { ContextBlock, ContextCandidate, ContextFormat, FileOutline, PackedContext } from './context-types.js';
import { type CountTokens, lowTokens, lowTokensWithin } from './count-tokens.js';
import { blockParts, renderBlock, renderContext } from './format-context.js';
import { type MergedBlock, mergeBlocks, type Piece } from './merge-blocks.js';
import { buildRepoMap } from './repo-map.js';
import { trimDefinitions } from './trim-definition.js';

export interface PackOptions {
  /** Tokens the rendered text may take, at most. */
  budget: number;
  /**
   * Exact counter (see count-tokens.ts); the packer counts the blocks it considers and then the whole text. A
   * candidate's `tokens`, when given, stands for a count of its content by this counter (see BlockCost).
   */
  countTokens: CountTokens;
  /**
   * A lower bound of `countTokens`'s counts, nothing counted (default lowTokens: o200k and cl100k; with it, trims are
   * also bounded by their headers, trimsLow). It only spares counting a piece that cannot fit: the result is the same
   * with any bound that holds, `() => 0` included.
   */
  lowerBound?: CountTokens;
  format?: ContextFormat;
  /** Lower-case words of the question: a trimmed definition keeps the lines that contain one. */
  terms?: readonly string[];
  /** Top-level declarations of the relevant files, best first: the repository map, when the budget leaves room. */
  outlines?: readonly FileOutline[];
  /** A piece counts as costing at least this share of the budget when value per token is compared (default MIN_COST_SHARE). */
  minCostShare?: number;
}

/**
 * A definition may take this share of the budget whole; a longer one is trimmed (signature, doc, matching lines).
 * The first candidate and a pinned one may take twice as much: they are the likeliest answer.
 */
export const SHARE = 0.25;
/**
 * In the greedy order, a piece counts as costing at least this share of the budget: a tiny chunk is not worth more per
 * token for being tiny, so among small pieces rank decides, and a well-ranked function of 900 tokens is not passed over
 * for a row of 40-token chunks ranked 50th and below. 1/25: on the 52 real issues of bench/dev-issues.mjs, function
 * recall at 8k 57.1 -> 59.2 (2k and 4k equal); 2/25 lost a range of the hand-written suites at 2k and 4k.
 */
export const MIN_COST_SHARE = 0.04;
/** A trimmed piece must cost at most this share of the whole one, or it is not offered. */
const MAX_TRIMMED_SHARE = 0.67;
/** A trimmed definition keeps at most this many matching lines, then fewer if it still does not fit. */
const MATCHED_LINES = [12, 4, 0];
/** A trimmed piece takes at least a header, fences and a signature: with fewer tokens left, none is tried. */
const MIN_TRIMMED = 24;
/**
 * A lower estimate of a text's tokens is its length over this: code runs 4 characters a token (o200k; p99 5.5, p99.9
 * 6.7 over 3,568 windows of TypeScript, Python and the fixture's languages). A candidate whose estimate is over what
 * is left is not counted (its trimmed pieces are); one that may fit is counted before it is placed or taken.
 */
const LOW_CHARS_PER_TOKEN = 8;
/** The map is built only when at least this many tokens are left after the blocks. */
const MIN_MAP_TOKENS = 24;

/** The value of the candidate at a rank (1-based): what the greedy choice divides by tokens. */
export function rankValue(rank: number): number {
  return 1 / (rank * rank);
}

interface Option {
  piece: Piece;
  cost: number;
}

interface Unit {
  rank: number;
  value: number;
  key: string;
  /**
   * The whole piece and its cost; `withinShare` false when it is too long for its share and only trimmed ones may go.
   * Both are known once `counted` (see `count`); before that, `low` stands for the cost in the greedy order.
   */
  whole: Option;
  withinShare: boolean;
  counted: boolean;
  /** A lower estimate of the whole piece's cost, from its length (LOW_CHARS_PER_TOKEN): no text counted. */
  low: number;
  /** Counts the whole piece (once): sets `whole.cost`, `withinShare` and `counted`. */
  count: () => void;
  /** Its lines are known, so it can be trimmed. */
  trimmable: boolean;
  /** A gap between pieces already taken, not a candidate of its own. */
  gap?: boolean;
  /** The tokens the candidate may take whole (shareOf). */
  share: number;
  /**
   * The whole definition the candidate is a part of, when it fits the candidate's share: tried before the part, which
   * is taken instead when the definition does not fit what is left. Counted only for a unit that gets that far.
   */
  definition: () => Option | undefined;
  /** Trimmed pieces, smallest last: made only when the whole one is not taken (most candidates never need them). */
  trimmed: () => Option[];
  /** A lower estimate of the smallest trimmed piece's cost (no text counted), as `low` is of the whole. */
  trimLow: () => number;
  /** A lower bound of every trimmed piece's cost, none made (trimsLow). */
  trimsLow: () => number;
  /** Whether one of `trimmed()` costs at most `left`, without making them all (trimFits). */
  trimmedFits: (left: number) => boolean;
}

/** Packs `candidates` (best first) into `options.budget` tokens. Never throws on odd input; never exceeds the budget. */
export function packContext(candidates: readonly ContextCandidate[], options: PackOptions): PackedContext {
  const format = options.format ?? 'markdown';
  const budget = Math.max(0, Math.floor(Number.isFinite(options.budget) ? options.budget : 0));
  const count = memoized(options.countTokens);
  const known = knownCounts(candidates);
  const parts = partsCache(format);
  const cost = blockCost(count, parts, known);
  const empty: PackedContext = {
    format,
    budget,
    tokens: 0,
    text: '',
    blocks: [],
    repoMap: [],
    candidates: candidates.length,
    duplicates: 0,
    omitted: candidates.length,
  };
  const fixed = count(renderContext(format, '', []));
  if (fixed > budget) return empty;
  const low = blockLow(parts, known, options.lowerBound ?? lowTokens);
  const { units, duplicates } = toUnits(candidates, {
    terms: options.terms ?? [],
    budget,
    cost,
    low,
    parts,
    format,
    stored: known.size > 0,
    // The headers' bound is lowTokens' own: with another bound given, none.
    trimsBound: options.lowerBound === undefined,
  });
  const minCost = budget * (options.minCostShare ?? MIN_COST_SHARE);
  const { pieces, used, taken } = fillGreedily(units, fixed, budget, { cost, low }, minCost);
  return renderWithin(pieces, taken, budget - used, { ...empty, duplicates }, options.outlines, count, cost);
}

/**
 * The tokens of a rendered block (its segment, counted apart). A block whose content is a candidate's whole content
 * with a known count (ContextCandidate.tokens: the index stores one per chunk) costs its header and closing, counted,
 * plus that count, when the format writes the content as is: no chunk is counted again at each question. The sum of
 * the parts may exceed the whole by a token or so where BPE merges across a seam; the whole text is always counted.
 * With `estimate`, an escaped content (JSON, XML with `<&>`) is costed from the raw count too: an estimate for the
 * greedy order only, never for a choice, which counts the block.
 */
type BlockCost = (b: MergedBlock, first: boolean, estimate?: boolean) => number;

type BlockLow = (b: MergedBlock) => number;

/** The candidates' stored counts by content (ContextCandidate.tokens). */
function knownCounts(candidates: readonly ContextCandidate[]): Map<string, number> {
  const known = new Map<string, number>();
  for (const c of candidates) {
    if (typeof c.tokens === 'number' && Number.isFinite(c.tokens) && c.tokens >= 0) known.set(c.content, c.tokens);
  }
  return known;
}

type PartsOf = (b: MergedBlock, first: boolean) => ReturnType<typeof blockParts>;

/** blockParts, remembered for a block not first: the packer asks for the same block's cost and bounds again. */
function partsCache(format: ContextFormat): PartsOf {
  const seen = new WeakMap<MergedBlock, ReturnType<typeof blockParts>>();
  return (b, first) => {
    if (first) return blockParts(b, format, true);
    let parts = seen.get(b);
    if (!parts) {
      parts = blockParts(b, format, false);
      seen.set(b, parts);
    }
    return parts;
  };
}

function blockCost(count: CountTokens, partsOf: PartsOf, known: ReadonlyMap<string, number>): BlockCost {
  return (b, first, estimate = false) => {
    const parts = partsOf(b, first);
    const tokens = known.get(b.content);
    if (tokens !== undefined && (parts.raw || estimate)) return count(parts.before) + tokens + count(parts.after);
    return count(`${parts.before}${parts.content}${parts.after}`);
  };
}

/**
 * A lower bound of a block's BlockCost (not first, not an estimate), nothing counted: the same sum with a lower bound
 * (PackOptions.lowerBound) in place of the counter. A piece whose bound is over what is left is known not to fit without being counted.
 */
function blockLow(partsOf: PartsOf, known: ReadonlyMap<string, number>, lowTokens: CountTokens): BlockLow {
  return (b) => {
    const parts = partsOf(b, false);
    const tokens = known.get(b.content);
    if (tokens !== undefined && parts.raw) return lowTokens(parts.before) + tokens + lowTokens(parts.after);
    return lowTokens(`${parts.before}${parts.content}${parts.after}`);
  };
}

/** The counter, remembering the count of each text for this packing (blocks are counted again as they grow). */
function memoized(countTokens: CountTokens): CountTokens {
  const seen = new Map<string, number>();
  return (text) => {
    let n = seen.get(text);
    if (n === undefined) {
      n = countTokens(text);
      seen.set(text, n);
    }
    return n;
  };
}

/**
 * The greedy choice: units by value per token (a pinned candidate, value Infinity, first), each taken whole or trimmed
 * when its file's blocks still fit in the budget with it; the short gaps a taken piece leaves in its block are offered
 * next. Returns the pieces taken, the tokens used (counted file by file, from `fixed`), and the candidates taken.
 */
function fillGreedily(
  units: Unit[],
  fixed: number,
  budget: number,
  { cost, low }: { cost: BlockCost; low: BlockLow },
  minCost: number,
): { pieces: Piece[]; used: number; taken: Set<Unit> } {
  const density = (u: Unit) => u.value / Math.max(1, minCost, u.counted ? u.whole.cost : u.low);
  const order = [...units].sort((a, b) => density(b) - density(a) || a.rank - b.rank);
  const files = new Map<string, { pieces: Piece[]; cost: number }>();
  let used = fixed;
  const taken = new Set<Unit>();
  const gapsQueued = new Set<string>();
  const parked = new Map<string, Unit[]>();
  for (let i = 0; i < order.length; i++) {
    const unit = order[i] as Unit;
    if (budget - used < 8) break;
    const file = files.get(unit.key) ?? { pieces: [], cost: 0 };
    const left = budget - used + file.cost * 0.1;
    if (!unit.counted) {
      const estimated = density(unit);
      if (file.pieces.length === 0 && unit.low > left && !trimmedMayFit(unit, left)) {
        // Nothing of it fits now, nor later while its file has no piece (what is left only shrinks): waits for one.
        const waiting = parked.get(unit.key);
        if (waiting) waiting.push(unit);
        else parked.set(unit.key, [unit]);
        continue;
      }
      // It may be taken: counted now, it goes back to its place in the order when its count makes it less dense.
      unit.count();
      if (density(unit) < estimated) {
        order.splice(i, 1);
        insertByDensity(order, i, unit, density);
        i--;
        continue;
      }
    }
    for (const option of optionsOf(unit, left)) {
      // Cheap test first: a piece that does not fit alone does not fit merged either, nearly always.
      if (used + option.cost > budget + file.cost * 0.1) continue;
      const pieces = [...file.pieces, option.piece];
      const withIt = fileCost(pieces, cost);
      if (used - file.cost + withIt > budget) continue;
      used += withIt - file.cost;
      files.set(unit.key, { pieces, cost: withIt });
      if (!unit.gap) taken.add(unit);
      // Units of this file that waited: counted, those the exact order puts after this one are tried in their place.
      for (const u of parked.get(unit.key) ?? []) {
        u.count();
        if (density(u) < density(unit) || (density(u) === density(unit) && u.rank > unit.rank)) {
          insertByDensity(order, i + 1, u, density);
        }
      }
      parked.delete(unit.key);
      // Short gaps the file's blocks now have (a class's member bodies, lines between two pieces) become units of
      // their own, worth what their block is worth: a definition is better read whole when the budget allows.
      for (const gap of gapUnits(pieces, unit.key, gapsQueued, budget, { cost, low })) {
        insertByDensity(order, i + 1, gap, density);
      }
      break;
    }
  }
  return { pieces: [...files.values()].flatMap((f) => f.pieces), used, taken };
}

/**
 * The pieces in reading order with the repository map from what is left (`mapAllowance`), rendered and counted whole.
 * Counted apart, the segments may come to less than the whole (BPE merges across their seams): then the map shrinks
 * first, and then the least valuable piece goes, until the whole fits. `base` carries the format, budget and counts.
 */
function renderWithin(
  taken: Piece[],
  takenUnits: Set<Unit>,
  mapAllowance: number,
  base: PackedContext,
  outlines: readonly FileOutline[] | undefined,
  count: CountTokens,
  cost: BlockCost,
): PackedContext {
  const { format, budget } = base;
  let pieces = taken;
  for (;;) {
    const blocks = readingOrder(mergeBlocks(pieces));
    const segments = blocks.map((b, i) => renderBlock(b, format, i === 0));
    const map =
      outlines && mapAllowance >= MIN_MAP_TOKENS
        ? buildRepoMap(outlines, format, mapAllowance, count)
        : { files: [], text: '', tokens: 0 };
    const text = renderContext(format, map.text, segments);
    const tokens = count(text);
    if (tokens <= budget) {
      const packed: ContextBlock[] = blocks.map((b, i) => ({ ...b, tokens: cost(b, i === 0) }));
      const some = blocks.length > 0 || map.files.length > 0;
      return {
        ...base,
        tokens: some ? tokens : 0,
        text: some ? text : '',
        blocks: packed,
        repoMap: map.files,
        omitted: base.candidates - base.duplicates - takenUnits.size,
      };
    }
    if (map.files.length > 0) {
      mapAllowance = map.tokens - (tokens - budget) - 1;
      continue;
    }
    if (pieces.length === 0) return base;
    const worst = pieces.reduce((w, p) => (rankValue(p.rank) < rankValue(w.rank) ? p : w));
    pieces = pieces.filter((p) => p !== worst);
    for (const u of takenUnits) if (u.rank === worst.rank) takenUnits.delete(u);
  }
}

/** The tokens a definition of this rank may take whole. */
function shareOf(budget: number, rank: number, pinned: boolean): number {
  return budget * SHARE * (rank === 1 || pinned ? 2 : 1);
}

/** Gaps of at most this many lines inside a block are offered for filling. */
const MAX_GAP_LINES = 40;

/** The short gaps inside the blocks of one file's pieces (source known), as units not offered before. */
function gapUnits(
  pieces: Piece[],
  key: string,
  queued: Set<string>,
  budget: number,
  { cost, low }: { cost: BlockCost; low: BlockLow },
): Unit[] {
  const out: Unit[] = [];
  for (const block of mergeBlocks(pieces)) {
    // A block grows by its gaps only up to its share of the budget, as a whole definition would.
    const room = shareOf(budget, block.rank, false) - cost(block, false);
    const inBlock = pieces.filter((p) => p.lines && p.source && p.startLine <= block.endLine && block.startLine <= p.endLine);
    const source = inBlock[0]?.source;
    if (!source) continue;
    // Between runs of shown lines, and after the last one when a piece's range goes on (a skeleton's last member).
    const rangeEnd = Math.min(source.length, Math.max(...inBlock.map((p) => p.endLine)));
    const runs = rangeEnd > block.endLine ? [...block.shown, [rangeEnd + 1, rangeEnd + 1]] : block.shown;
    for (let j = 1; j < runs.length; j++) {
      const start = (runs[j - 1]?.[1] ?? 0) + 1;
      const end = (runs[j]?.[0] ?? 0) - 1;
      const id = `${key}\0${start}`;
      if (end < start || end - start + 1 > MAX_GAP_LINES || queued.has(id)) continue;
      queued.add(id);
      const lines = source.slice(start - 1, end).map((text, n): [number, string] => [start + n, text]);
      const piece: Piece = {
        folder: block.folder,
        path: block.path,
        language: block.language,
        symbol: '',
        rank: block.rank,
        score: block.score,
        startLine: start,
        endLine: end,
        lines,
        text: '',
        elided: false,
        source,
      };
      // Over its room by its lower bound, it is not counted.
      if (pieceLow(piece, low) > room) continue;
      const option = { piece, cost: pieceCost(piece, cost) };
      if (option.cost > room) continue;
      out.push({
        rank: block.rank,
        value: rankValue(block.rank),
        key,
        whole: option,
        share: room,
        withinShare: true,
        counted: true,
        low: option.cost,
        count: () => {},
        trimmable: false,
        gap: true,
        definition: () => undefined,
        trimmed: () => [],
        trimLow: () => Number.POSITIVE_INFINITY,
        trimsLow: () => Number.POSITIVE_INFINITY,
        trimmedFits: () => false,
      });
    }
  }
  return out;
}

/** Puts `unit` among order[from…] where its density ranks it (order[from…] is sorted by density, best first). */
function insertByDensity(order: Unit[], from: number, unit: Unit, density: (u: Unit) => number): void {
  let at = from;
  while (at < order.length && density(order[at] as Unit) >= density(unit)) at++;
  order.splice(at, 0, unit);
}

/** True when one of the unit's trimmed pieces is within `left` tokens (they are made and counted, not the whole). */
function trimmedMayFit(u: Unit, left: number): boolean {
  return u.trimmable && left >= MIN_TRIMMED && u.trimsLow() <= left && u.trimLow() <= left && u.trimmedFits(left);
}

/**
 * A lower bound of the cost of every trim of a candidate, none made: the runs of lowTokens inside its block's header
 * and closing (the line numbers written with one digit, as more digits only add pieces; elided or not: a trim that
 * leaves out blank lines only shows them) and, unless some count is stored (BlockCost may take one for a content),
 * inside its first kept line, which every trim shows first (trimDefinitions). The runs at the cuts are left out.
 */
function trimsLow(c: ContextCandidate, rank: number, lines: NumberedLines, format: ContextFormat, content: boolean): number {
  const first = c.doc ? lines[0] : lines.find(([, t]) => t.trim());
  let lowest = Number.POSITIVE_INFINITY;
  for (const elided of [true, false]) {
    const block: MergedBlock = {
      folder: c.folder,
      path: c.path,
      language: c.language,
      symbols: c.symbol ? [c.symbol] : [],
      ranks: [rank],
      rank,
      score: c.score,
      startLine: 1,
      endLine: 1,
      elided,
      shown: [],
      content: content && first ? first[1] : '',
    };
    const parts = blockParts(block, format, false);
    const line = format === 'json' ? parts.content.slice(1, -1) : parts.content;
    const low =
      lowTokensWithin(parts.before, false, true) + lowTokensWithin(line, true, true) + lowTokensWithin(parts.after, true, false);
    lowest = Math.min(lowest, low);
  }
  return lowest;
}

/** A lower estimate of a piece's tokens: its rendered length over LOW_CHARS_PER_TOKEN (nothing counted). */
function lowCost(piece: Piece, partsOf: PartsOf): number {
  let chars = 0;
  for (const b of mergeBlocks([piece])) {
    const { before, content, after } = partsOf(b, false);
    chars += before.length + content.length + after.length;
  }
  return Math.floor(chars / LOW_CHARS_PER_TOKEN);
}

/**
 * What may be tried for a unit, in order: the whole piece when within its share, then the trimmed ones, while any can
 * fit in `left` tokens (with some slack for merging). Trimming is done only for a unit that gets that far.
 */
function* optionsOf(u: Unit, left: number): Generator<Option> {
  // Not counted: its estimate says the whole piece is over what is left, so only trimmed ones are tried.
  if (u.counted) {
    // The definition holds the part's lines: when the part is over what is left or its share, so is the definition.
    const definition = u.whole.cost <= left && u.whole.cost <= u.share ? u.definition() : undefined;
    if (definition) yield definition;
    if (u.withinShare) yield u.whole;
    else if (u.whole.cost <= left && !u.trimmable) yield u.whole;
  }
  if (!u.trimmable || left < MIN_TRIMMED) return;
  // No trim can fit (their bound is over what is left), nor the whole offered after them: none is made.
  if (u.trimsLow() > left && (!u.counted || u.whole.cost > left)) return;
  const trimmed = u.trimmed();
  yield* trimmed;
  if (u.counted && !u.withinShare && trimmed.length === 0) yield u.whole;
}

/** What every unit of one packing shares. */
interface UnitContext {
  terms: readonly string[];
  budget: number;
  cost: BlockCost;
  low: BlockLow;
  parts: PartsOf;
  format: ContextFormat;
  /** Some candidates have a stored count (BlockCost may take it for a content). */
  stored: boolean;
  /** Trims are bounded by their headers (trimsLow). */
  trimsBound: boolean;
}

/** The candidates as units: duplicates dropped, each with its whole and trimmed pieces (counted when needed). */
function toUnits(candidates: readonly ContextCandidate[], ctx: UnitContext): { units: Unit[]; duplicates: number } {
  const units: Unit[] = [];
  const shownByFile = new Map<string, NumberedLines[]>();
  const contents = new Set<string>();
  let duplicates = 0;
  candidates.forEach((c, i) => {
    const key = `${c.folder}\0${c.path}`;
    const lines = candidateLines(c);
    const earlier = shownByFile.get(key) ?? [];
    if (contents.has(c.content) || (lines && earlier.some((e) => contains(e, lines)))) {
      duplicates++;
      return;
    }
    contents.add(c.content);
    if (lines) shownByFile.set(key, [...earlier, lines]);
    units.push(candidateUnit(c, i + 1, key, lines, ctx));
  });
  return { units, duplicates };
}

/** One candidate's unit: its whole piece costed lazily (`count`), its trimmed pieces and its definition when asked. */
function candidateUnit(
  c: ContextCandidate,
  rank: number,
  key: string,
  lines: NumberedLines | undefined,
  { terms, budget, cost, low: blockLowOf, parts, format, stored, trimsBound }: UnitContext,
): Unit {
  const base = {
    folder: c.folder,
    path: c.path,
    language: c.language,
    symbol: c.symbol,
    rank,
    score: c.score,
    startLine: c.startLine,
    endLine: c.endLine,
    source: c.source,
  };
  const whole: Piece = {
    ...base,
    lines,
    text: c.content,
    elided: !lines || lines.length < c.endLine - c.startLine + 1,
  };
  const share = shareOf(budget, rank, c.pinned === true);
  // Every format writes the path, the symbol and the content (escaped, so no shorter): their length suffices.
  const low = whole.elided
    ? lowCost(whole, parts)
    : Math.floor((c.content.length + c.path.length + c.symbol.length) / LOW_CHARS_PER_TOKEN);
  const trims = lines ? lazyTrims(c, lines, base, terms) : undefined;
  let trimmed: Option[] | undefined;
  const makeTrimmed = (): Option[] => {
    trimmed ??= lines && trims ? trimmedOptions(lines, trims.all(), cost, low, () => wholeCost()) : [];
    return trimmed;
  };
  let definition: { option: Option | undefined } | undefined;
  let trimLow: number | undefined;
  let trimsLowest: number | undefined;
  const unit: Unit = {
    rank,
    value: c.pinned ? Number.POSITIVE_INFINITY : rankValue(rank),
    key,
    whole: { piece: whole, cost: Number.NaN },
    share,
    definition: () => {
      definition ??= { option: wholeDefinition(c, base, share, cost) };
      return definition.option;
    },
    withinShare: false,
    counted: false,
    low,
    // The greedy order may use an estimate (BlockCost); taking the piece counts it.
    count: () => {
      if (unit.counted) return;
      unit.whole.cost = pieceCost(whole, cost, true);
      unit.withinShare = unit.whole.cost <= share;
      unit.counted = true;
    },
    trimmable: lines !== undefined && lines.length > 1,
    trimmed: makeTrimmed,
    trimLow: () => {
      trimLow ??= trims ? lowCost(trims.smallest(), parts) : Number.POSITIVE_INFINITY;
      return trimLow;
    },
    trimsLow: () => {
      trimsLowest ??= !trimsBound ? 0 : lines ? trimsLow(c, rank, lines, format, !stored) : Number.POSITIVE_INFINITY;
      return trimsLowest;
    },
    trimmedFits: (left) => {
      if (trimmed) return trimmed.some((o) => o.cost <= left);
      return !!lines && !!trims && trimFits(lines, trims.all(), left, { cost, low: blockLowOf }, low, wholeCost);
    },
  };
  const wholeCost = (): number => {
    unit.count();
    return unit.whole.cost;
  };
  return unit;
}

/**
 * The pieces each trim of a candidate keeps (MATCHED_LINES), made once when first asked: the smallest (no matching
 * line) alone for trimLow, which most units are asked, and all of them for the bounds and the options.
 */
function lazyTrims(
  c: ContextCandidate,
  lines: NumberedLines,
  base: Omit<Piece, 'lines' | 'text' | 'elided'>,
  terms: readonly string[],
): { smallest: () => Piece; all: () => Piece[] } {
  // Trims that keep the same lines (trimDefinitions gives them the same array) are one piece.
  const made = new Map<NumberedLines, Piece>();
  const piece = (kept: NumberedLines): Piece => {
    let p = made.get(kept);
    if (!p) {
      p = { ...base, lines: kept, text: '', elided: true };
      made.set(kept, p);
    }
    return p;
  };
  let smallest: Piece | undefined;
  let all: Piece[] | undefined;
  const trims = {
    smallest: (): Piece => {
      smallest ??= piece(trimDefinitions(lines, c.doc, c.signature, terms, MATCHED_LINES.slice(-1))[0] as NumberedLines);
      return smallest;
    },
    all: (): Piece[] => {
      if (!all) {
        const kept = trimDefinitions(lines, c.doc, c.signature, terms, MATCHED_LINES);
        const last = kept[kept.length - 1];
        // The smallest, made apart, stands for every trim that keeps its lines.
        const smaller = trims.smallest();
        all = kept.map((k) => (k === last ? smaller : piece(k)));
      }
      return all;
    },
  };
  return trims;
}

/**
 * Whether trimmedOptions would offer a piece within `left`, found without making all the options: a piece whose lower
 * bound (BlockLow) is over `left` is not counted, nor the whole for one over `left`. The first piece within `left` that
 * saves enough is offered: the ones offered before it cost more than `left`, so more than it.
 */
function trimFits(
  lines: NumberedLines,
  trims: readonly Piece[],
  left: number,
  { cost, low: blockLowOf }: { cost: BlockCost; low: BlockLow },
  low: number,
  wholeCost: () => number,
): boolean {
  for (const [i, piece] of trims.entries()) {
    // The same piece twice (trims that keep the same lines) is decided once.
    if (piece === trims[i - 1] || (piece.lines?.length ?? 0) >= lines.length || pieceLow(piece, blockLowOf) > left) continue;
    const tokens = pieceCost(piece, cost);
    if (tokens <= left && (tokens <= low * MAX_TRIMMED_SHARE || tokens <= wholeCost() * MAX_TRIMMED_SHARE)) return true;
  }
  return false;
}

/**
 * A candidate's trimmed pieces, smallest last, each saving enough on the whole (`low` first, the whole counted only when
 * its estimate cannot tell).
 */
function trimmedOptions(
  lines: NumberedLines,
  trims: readonly Piece[],
  cost: BlockCost,
  low: number,
  wholeCost: () => number,
): Option[] {
  const out: Option[] = [];
  let previous = Number.POSITIVE_INFINITY;
  for (const piece of trims) {
    if ((piece.lines?.length ?? 0) >= lines.length) continue;
    const tokens = pieceCost(piece, cost);
    // A trim that saves little is not worth the lines it hides.
    if (tokens < previous && (tokens <= low * MAX_TRIMMED_SHARE || tokens <= wholeCost() * MAX_TRIMMED_SHARE)) {
      out.push({ piece, cost: tokens });
      previous = tokens;
    }
  }
  return out;
}

/**
 * A part of a long definition stands for the whole definition when its source is known and the whole fits `share`:
 * the question is then answered by the definition, not by the lines the chunker happened to cut. Else the part itself.
 */
function wholeDefinition(
  c: ContextCandidate,
  base: Omit<Piece, 'lines' | 'text' | 'elided'>,
  share: number,
  cost: BlockCost,
): Option | undefined {
  const def = c.definition;
  const source = c.source;
  if (!def || !source || def.startLine < 1 || def.endLine > source.length || def.startLine > def.endLine) return undefined;
  const lines = source.slice(def.startLine - 1, def.endLine).map((text, n): [number, string] => [def.startLine + n, text]);
  const piece: Piece = { ...base, startLine: def.startLine, endLine: def.endLine, lines, text: '', elided: false };
  const tokens = pieceCost(piece, cost);
  return tokens <= share ? { piece, cost: tokens } : undefined;
}

/** True when every line of `inner` is among `outer`'s lines (both ascending). */
function contains(outer: NumberedLines, inner: NumberedLines): boolean {
  let o = 0;
  for (const [n] of inner) {
    while (o < outer.length && (outer[o]?.[0] ?? 0) < n) o++;
    if (outer[o]?.[0] !== n) return false;
  }
  return true;
}

function pieceCost(piece: Piece, cost: BlockCost, estimate = false): number {
  return fileCost([piece], cost, estimate);
}

/** A lower bound of pieceCost (BlockLow), nothing counted. */
function pieceLow(piece: Piece, low: BlockLow): number {
  let n = 0;
  for (const b of mergeBlocks([piece])) n += low(b);
  return n;
}

/** The tokens of the blocks the pieces of one file make (each block's segment counted apart, see BlockCost). */
function fileCost(pieces: Piece[], cost: BlockCost, estimate = false): number {
  let n = 0;
  for (const b of mergeBlocks(pieces)) n += cost(b, false, estimate);
  return n;
}

function readingOrder(blocks: MergedBlock[]): MergedBlock[] {
  return blocks.sort(
    (a, b) =>
      (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.startLine - b.startLine,
  );
}
