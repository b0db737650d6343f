// Pure prompt assembly for @codectx: the budget from the model's window, the context block with citations, history.
// Invariant: the assembled prompt's estimated tokens never exceed `budget`; earlier turns are dropped before any chunk.

/** A chunk of context as the engine returns it (codectx/context), reduced to what a prompt needs. */
export interface PromptChunk {
  /** `path:startLine-endLine` */
  citation: string;
  path: string;
  symbol: string;
  language: string;
  content: string;
}

/** One earlier turn of the conversation, oldest first. */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export interface PromptMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** Tokens estimated as the engine does: characters / 4, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Room left for the model's answer: a quarter of the window, between 512 and 4096 tokens. */
export function answerReserve(maxInputTokens: number): number {
  return Math.min(4096, Math.max(512, Math.floor(maxInputTokens / 4)));
}

/** The prompt's budget: the model's input window minus room for the answer (never below 256). */
export function promptBudget(maxInputTokens: number): number {
  return Math.max(256, maxInputTokens - answerReserve(maxInputTokens));
}

export const INSTRUCTIONS = [
  "You answer questions about the user's code base. Use the code excerpts below, taken from the user's workspace by",
  'codectx; each starts with its citation `path:startLine-endLine`. Answer from them, not from general knowledge,',
  'and cite every file you rely on as `path:line` (for example `path/to/file.ext:42`). If the excerpts do not',
  'contain the answer, say so and name what to look for.',
].join('\n');

/** One chunk as the model (and the user, for /context) sees it. */
export function formatChunk(chunk: PromptChunk): string {
  const title = chunk.symbol ? `${chunk.citation} (${chunk.symbol})` : chunk.citation;
  const fence = chunk.content.includes('```') ? '````' : '```';
  return `### ${title}\n${fence}${chunk.language}\n${chunk.content.replace(/\n$/, '')}\n${fence}`;
}

/** The context block: every chunk with its citation, in rank order. */
export function formatContext(chunks: PromptChunk[]): string {
  return chunks.map(formatChunk).join('\n\n');
}

function finalMessage(question: string, chunks: PromptChunk[]): string {
  const context = chunks.length ? formatContext(chunks) : '(codectx found no code for this question)';
  return `${INSTRUCTIONS}\n\n## Code excerpts\n\n${context}\n\n## Question\n\n${question}`;
}

export interface AssembleInput {
  question: string;
  /** Ranked, best first: cut from the end when over budget. */
  chunks: PromptChunk[];
  /** Earlier turns, oldest first. */
  history: Turn[];
  /** Tokens the whole prompt may take (promptBudget of the model). */
  budget: number;
}

export interface AssembledPrompt {
  messages: PromptMessage[];
  /** The chunks that made it into the prompt, in order. */
  chunks: PromptChunk[];
  /** Estimated tokens of all messages. */
  tokens: number;
  budget: number;
  droppedTurns: number;
  droppedChunks: number;
}

/**
 * Builds the messages: earlier turns (newest kept first, oldest dropped first), then one user message holding the
 * instructions, the cited code and the question. Chunks are dropped (lowest ranked first) only when the turns are all
 * gone and the prompt still does not fit; the question is cut last, so that a prompt always exists.
 */
export function assemblePrompt(input: AssembleInput): AssembledPrompt {
  const chunks = [...input.chunks];
  let droppedChunks = 0;
  let final = finalMessage(input.question, chunks);
  while (chunks.length && estimateTokens(final) > input.budget) {
    chunks.pop();
    droppedChunks++;
    final = finalMessage(input.question, chunks);
  }
  if (estimateTokens(final) > input.budget) {
    // Only the question itself is too long: keep its start, which usually says what is asked.
    const room = Math.max(0, input.budget * 4 - finalMessage('', []).length - 16);
    final = finalMessage(`${input.question.slice(0, room)} […]`, []);
  }
  let used = estimateTokens(final);
  const kept: Turn[] = [];
  // Turns only take room no chunk needed: once a chunk is dropped, every earlier turn is gone too.
  for (let i = droppedChunks ? -1 : input.history.length - 1; i >= 0; i--) {
    const turn = input.history[i] as Turn;
    const cost = estimateTokens(turn.text);
    if (used + cost > input.budget) break;
    kept.unshift(turn);
    used += cost;
  }
  // A conversation starts with the user: an answer whose question was dropped goes too.
  while (kept[0]?.role === 'assistant') used -= estimateTokens((kept.shift() as Turn).text);
  const messages: PromptMessage[] = [...kept.map((t) => ({ role: t.role, text: t.text })), { role: 'user', text: final }];
  return {
    messages,
    chunks,
    tokens: used,
    budget: input.budget,
    droppedTurns: input.history.length - kept.length,
    droppedChunks,
  };
}

/**
 * The context budget to ask the engine for: what the prompt budget leaves after the instructions, the question and
 * up to a quarter of it for earlier turns (those are trimmed first, so they never take more).
 */
export function contextBudget(budget: number, question: string, history: Turn[]): number {
  const fixed = estimateTokens(finalMessage(question, [])) + 16;
  const historyTokens = history.reduce((n, t) => n + estimateTokens(t.text), 0);
  const room = budget - fixed - Math.min(historyTokens, Math.floor(budget / 4));
  return Math.max(0, room);
}

/** The chunks an answer cites (`path:line` or the path alone), for anchors under the answer. */
export function citedChunks<T extends { path: string; citation: string }>(answer: string, chunks: T[]): T[] {
  return chunks.filter((c) => answer.includes(c.path));
}

/** The chunks to link under an answer: the cited ones first, then the best-ranked, at most one per file, at most `max`. */
export function sourcesToShow<T extends { path: string }>(cited: T[], ranked: T[], max: number): T[] {
  const out: T[] = [];
  const files = new Set<string>();
  for (const c of [...cited, ...ranked]) {
    if (out.length >= max) break;
    if (files.has(c.path)) continue;
    files.add(c.path);
    out.push(c);
  }
  return out;
}
