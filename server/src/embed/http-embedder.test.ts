// The openai-compatible provider against a real HTTP server on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpEmbedder } from './http-embedder.js';

let server: Server;
let url: string;
const seen: { model: string; input: string[]; auth?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.url !== '/v1/embeddings') {
        res.writeHead(404).end('not found');
        return;
      }
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      seen.push({ model, input, auth: req.headers.authorization });
      if (model === 'broken') {
        res.writeHead(500).end('model crashed');
        return;
      }
      // Deliberately out of order: the provider must sort by index.
      const data = input.map((t, index) => ({ index, embedding: [t.length, 1, 0] })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => server.close());

it('posts texts in batches, sorts by index, normalizes, and learns the dimensions', async () => {
  const e = await new HttpEmbedder(url, 'nomic-embed', 'secret').init();
  expect(e.dimensions).toBe(3);
  expect(e.id).toMatch(/^openai-compatible:nomic-embed@127\.0\.0\.1:\d+$/);
  const texts = Array.from({ length: 70 }, (_, i) => 'x'.repeat(i + 1));
  const vectors = await e.embedDocuments(texts);
  expect(vectors).toHaveLength(70);
  expect(vectors[2]?.[0]).toBeCloseTo(3 / Math.sqrt(10), 5);
  expect(seen.at(-1)?.input).toHaveLength(6);
  expect(seen.at(-1)?.auth).toBe('Bearer secret');
});

it('says what went wrong when the endpoint fails or is unreachable', async () => {
  await expect(new HttpEmbedder(url, 'broken', undefined, 3).embedQuery('x')).rejects.toThrow(/answered 500: model crashed/);
  await expect(new HttpEmbedder('http://127.0.0.1:1/v1', 'm', undefined, 3).embedQuery('x')).rejects.toThrow(/cannot reach/);
});
