// Prompt assembly: the budget holds, every chunk carries its citation, and earlier turns go before any chunk does.
import { describe, expect, it } from 'vitest';
import {
  answerReserve,
  assemblePrompt,
  citedChunks,
  contextBudget,
  estimateTokens,
  type PromptChunk,
  promptBudget,
  sourcesToShow,
  type Turn,
} from './prompt.js';

const chunk = (i: number, lines = 20): PromptChunk => ({
  citation: `src/mod${i}.ts:${i * 10 + 1}-${i * 10 + lines}`,
  path: `src/mod${i}.ts`,
  symbol: `fn${i}`,
  language: 'typescript',
  content: Array.from({ length: lines }, (_, l) => `  const value${l} = compute${i}(${l}); // line ${l}`).join('\n'),
});
const chunks = (n: number) => Array.from({ length: n }, (_, i) => chunk(i));
const turns = (n: number): Turn[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `turn ${i} ${'words '.repeat(60)}` }));
const total = (p: ReturnType<typeof assemblePrompt>) => p.messages.reduce((n, m) => n + estimateTokens(m.text), 0);

function check(input: { budget: number; chunks: number; turns: number }, expected: { chunks: number; turns: number }) {
  const p = assemblePrompt({
    question: 'How is the session token refreshed?',
    chunks: chunks(input.chunks),
    history: turns(input.turns),
    budget: input.budget,
  });
  expect(total(p)).toBeLessThanOrEqual(input.budget);
  expect(p.tokens).toBe(total(p));
  expect({ chunks: p.chunks.length, turns: p.messages.length - 1 }).toEqual(expected);
  return p;
}

describe('budget', () => {
  it('leaves a quarter of the window for the answer, within 512..4096', () => {
    expect([1000, 8192, 128_000].map(answerReserve)).toEqual([512, 2048, 4096]);
    expect(promptBudget(8192)).toBe(6144);
    expect(promptBudget(100)).toBe(256);
  });

  it('asks the engine for what the instructions, question and a quarter for history leave', () => {
    const q = 'where is the cache evicted?';
    const none = contextBudget(6000, q, []);
    expect(contextBudget(6000, q, turns(40))).toBe(none - 1500);
    expect(contextBudget(6000, q, turns(1))).toBe(none - estimateTokens(turns(1)[0]?.text ?? ''));
    expect(contextBudget(50, q, [])).toBe(0);
  });
});

describe('assemblePrompt', () => {
  it('keeps everything when it fits', () => {
    check({ budget: 100_000, chunks: 5, turns: 4 }, { chunks: 5, turns: 4 });
  });

  it('drops the oldest turns first, keeping every chunk', () => {
    const all = assemblePrompt({ question: 'q', chunks: chunks(5), history: [], budget: 100_000 }).tokens;
    const p = check({ budget: all + 200, chunks: 5, turns: 6 }, { chunks: 5, turns: 2 });
    expect(p.messages[0]?.text).toMatch(/^turn 4 /);
    expect(p.droppedTurns).toBe(4);
  });

  it('never starts with an answer whose question was dropped', () => {
    const all = assemblePrompt({ question: 'q', chunks: [], history: [], budget: 100_000 }).tokens;
    const p = assemblePrompt({ question: 'q', chunks: [], history: turns(3), budget: all + 100 });
    expect(p.messages[0]?.role).toBe('user');
    expect(p.messages[0]?.text).toMatch(/^turn 2 /);
  });

  it('drops the lowest-ranked chunks only once the turns are gone', () => {
    const p = check({ budget: 1200, chunks: 10, turns: 6 }, { chunks: 4, turns: 0 });
    expect(p.chunks.map((c) => c.symbol)).toEqual(['fn0', 'fn1', 'fn2', 'fn3']);
    expect(p.droppedChunks).toBe(6);
  });

  it('cites every chunk it includes, and asks for citations', () => {
    const p = check({ budget: 100_000, chunks: 3, turns: 0 }, { chunks: 3, turns: 0 });
    const text = p.messages.at(-1)?.text ?? '';
    for (const c of chunks(3)) expect(text).toContain(`### ${c.citation} (${c.symbol})`);
    expect(text).toMatch(/cite every file you rely on as `path:line`/);
    expect(text.endsWith('How is the session token refreshed?')).toBe(true);
  });

  it('cuts an over-long question rather than exceeding the budget', () => {
    const p = assemblePrompt({ question: 'x'.repeat(10_000), chunks: chunks(2), history: turns(2), budget: 300 });
    expect(total(p)).toBeLessThanOrEqual(300);
    expect(p.chunks).toEqual([]);
    expect(p.messages.at(-1)?.text).toContain('[…]');
  });

  it('holds the budget for any mix of chunk sizes and turns', () => {
    for (let budget = 256; budget < 6000; budget += 397) {
      for (const n of [0, 1, 7, 30]) {
        const mixed = Array.from({ length: n }, (_, i) => chunk(i, 1 + ((i * 37) % 90)));
        const p = assemblePrompt({ question: 'why does the build fail?', chunks: mixed, history: turns(n % 9), budget });
        expect(total(p)).toBeLessThanOrEqual(budget);
      }
    }
  });
});

describe('citedChunks', () => {
  it('finds the chunks an answer names', () => {
    const cs = chunks(3);
    expect(citedChunks('See `src/mod2.ts:21` and src/mod0.ts.', cs).map((c) => c.path)).toEqual(['src/mod0.ts', 'src/mod2.ts']);
  });
});

describe('sourcesToShow', () => {
  it('puts cited chunks first, then the best ranked, one per file, at most max', () => {
    const c = (path: string, citation: string) => ({ path, citation });
    const ranked = [
      c('a.ts', 'a.ts:1-5'),
      c('b.ts', 'b.ts:1-5'),
      c('a.ts', 'a.ts:9-20'),
      c('c.ts', 'c.ts:1-2'),
      c('d.ts', 'd.ts:3-4'),
    ];
    const cited = [c('c.ts', 'c.ts:1-2')];
    expect(sourcesToShow(cited, ranked, 3).map((x) => x.citation)).toEqual(['c.ts:1-2', 'a.ts:1-5', 'b.ts:1-5']);
    expect(sourcesToShow([], ranked, 10).map((x) => x.path)).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });
});
