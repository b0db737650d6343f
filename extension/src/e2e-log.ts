// Observability for end-to-end tests: one JSON object per line appended to the file named by CODECTX_E2E_LOG.
// Invariant: never throws and does nothing when the variable is unset.
import { appendFileSync } from 'node:fs';

export type E2eEvent =
  | { event: 'activated' }
  | { event: 'serverReady'; status: unknown }
  | { event: 'searchOpened'; path: string; line: number }
  | { event: 'chat'; command: string | null; budget: number; references: string[]; promptTokens: number }
  | { event: 'error'; message: string };

export function e2eLog(entry: E2eEvent, file = process.env.CODECTX_E2E_LOG): void {
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  } catch {
    // A test log that cannot be written must not break the editor.
  }
}
