import { expect, it } from 'vitest';
import { utf8Length } from './source-lines.js';

it('utf8Length counts UTF-8 bytes as Buffer.byteLength does, lone surrogates included', () => {
  const texts = [
    '',
    'ascii',
    'é',
    '€uro',
    '😀',
    'a😀b',
    '\ud800',
    '\udc00x',
    '\ud800\ud800',
    'ｶﾀｶﾅ',
    '\u0000\u007f\u0080\u07ff\u0800\uffff',
  ];
  for (let i = 0; i < 2000; i++)
    texts.push(String.fromCharCode(...Array.from({ length: 8 }, (_, j) => (i * 7919 + j * 104729) % 0x10000)));
  for (const t of texts) expect(utf8Length(t), JSON.stringify(t)).toBe(Buffer.byteLength(t, 'utf8'));
});
