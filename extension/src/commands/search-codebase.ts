// codectx: Search Codebase — a live quick-pick over codectx/search that previews the active result and opens the chosen one.
import * as vscode from 'vscode';
import type { SearchHit } from '../../../server/src/protocol/requests.js';
import type { CodectxClient } from '../client.js';
import { e2eLog } from '../e2e-log.js';
import { toLocation } from '../locations.js';

const DEBOUNCE_MS = 120;

interface HitItem extends vscode.QuickPickItem {
  hit: SearchHit;
}

const KIND_ICONS: Record<string, string> = {
  function: 'symbol-function',
  method: 'symbol-method',
  class: 'symbol-class',
  interface: 'symbol-interface',
  type: 'symbol-interface',
  module: 'symbol-module',
  section: 'symbol-key',
};

function item(hit: SearchHit): HitItem {
  const firstLine = hit.snippet.split('\n').find((l) => l.trim()) ?? '';
  return {
    label: `$(${KIND_ICONS[hit.kind] ?? 'symbol-misc'}) ${hit.symbol || hit.path.split('/').pop()}`,
    description: `${hit.path}:${hit.startLine}`,
    detail: firstLine.trim().slice(0, 160),
    alwaysShow: true,
    hit,
  };
}

async function open(hit: SearchHit, preview: boolean): Promise<void> {
  const location = toLocation(hit);
  const start = location.range.start;
  await vscode.window.showTextDocument(location.uri, {
    preview,
    preserveFocus: preview,
    selection: new vscode.Range(start, start),
  });
}

export function searchCodebase(client: CodectxClient): () => Promise<void> {
  return async () => {
    const pick = vscode.window.createQuickPick<HitItem>();
    pick.placeholder = 'Search the codebase: words, identifiers, a path, an error message';
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    let timer: NodeJS.Timeout | undefined;
    let generation = 0;
    let source: vscode.CancellationTokenSource | undefined;
    let accepted = false;
    const run = async (query: string) => {
      const mine = ++generation;
      source?.cancel();
      source = new vscode.CancellationTokenSource();
      if (!query.trim()) {
        pick.items = [];
        pick.busy = false;
        return;
      }
      pick.busy = true;
      try {
        const res = await client.search({ query, limit: 30 }, source.token);
        if (mine !== generation) return;
        pick.items = res.results.map(item);
        pick.title = res.partial ? 'codectx: still indexing, results so far' : undefined;
      } catch (error) {
        if (mine !== generation) return;
        pick.items = [];
        pick.title = `codectx: ${(error as Error).message}`;
      } finally {
        if (mine === generation) pick.busy = false;
      }
    };
    pick.onDidChangeValue((value) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(value), DEBOUNCE_MS);
    });
    pick.onDidChangeActive((items) => {
      const first = items[0];
      if (first && !accepted) void open(first.hit, true).catch(() => undefined);
    });
    pick.onDidAccept(async () => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!chosen) return;
      accepted = true;
      pick.hide();
      await open(chosen.hit, false);
      e2eLog({ event: 'searchOpened', path: chosen.hit.path, line: chosen.hit.startLine });
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      source?.cancel();
      pick.dispose();
    });
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
    if (selected && !selected.includes('\n')) {
      pick.value = selected;
      void run(selected);
    }
    pick.show();
  };
}
