// The openai-compatible provider: POST {baseUrl}/embeddings (Ollama, LM Studio, OpenAI, …). Opt-in only: code leaves
// the machine, and the engine says so when it is configured.
import { type Embedder, normalize } from './embedder.js';

export class HttpEmbedder implements Embedder {
  readonly id: string;
  dimensions: number;

  constructor(
    private readonly baseUrl: string,
    private readonly model: string,
    private readonly apiKey?: string,
    dimensions = 0,
  ) {
    this.id = `openai-compatible:${model}@${new URL(baseUrl).host}`;
    this.dimensions = dimensions;
  }

  /** Asks once for the model's dimensions when they were not configured. */
  async init(): Promise<this> {
    if (!this.dimensions) this.dimensions = (await this.request(['dimensions probe']))[0]?.length ?? 0;
    return this;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += 64) out.push(...(await this.request(texts.slice(i, i + 64))));
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [v] = await this.request([text]);
    if (!v) throw new Error(`${this.baseUrl}: no embedding returned`);
    return v;
  }

  async close(): Promise<void> {}

  private async request(input: string[]): Promise<Float32Array[]> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/embeddings`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.model, input }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new Error(`cannot reach the embeddings endpoint ${url}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const body = (await response.json()) as { data?: { embedding: number[]; index?: number }[] };
    if (!Array.isArray(body.data) || body.data.length !== input.length) {
      throw new Error(`${url}: expected ${input.length} embeddings in data[], got ${JSON.stringify(body).slice(0, 200)}`);
    }
    const sorted = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return sorted.map((d) => normalize(Float32Array.from(d.embedding)));
  }
}
