// The sign-bit shortlist's size: at least its floor and k, growing with the commit's chunks (no server needed).
import { expect, it } from 'vitest';
import { SignBitSearch } from './remote-search.js';

it('the shortlist grows with the commit: 400 up to 20,000 chunks, then 2% of them; never under k', () => {
  const search = new SignBitSearch();
  expect(search.sizeFor(16_500, 10)).toBe(400);
  expect(search.sizeFor(94_000, 10)).toBe(1880);
  expect(search.sizeFor(1_200_000, 10)).toBe(24_000);
  expect(search.sizeFor(10, 1000)).toBe(1000);
  expect(new SignBitSearch(100, 0).sizeFor(94_000, 10)).toBe(100);
});
