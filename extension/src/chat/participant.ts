// The @codectx chat participant: context from the engine within the model's window, a cited prompt, the streamed answer.
// Invariant: every chunk sent to the model is shown as a reference; nothing is sent for /search and /context.
import * as vscode from 'vscode';
import type { ContextChunk } from '../../../server/src/protocol/requests.js';
import type { CodectxClient } from '../client.js';
import { e2eLog } from '../e2e-log.js';
import { toLocation } from '../locations.js';
import {
  type AssembledPrompt,
  assemblePrompt,
  citedChunks,
  contextBudget,
  formatContext,
  type PromptMessage,
  promptBudget,
  sourcesToShow,
  type Turn,
} from './prompt.js';

export const PARTICIPANT_ID = 'codectx.chat';
/** Links shown under an answer. */
const MAX_SOURCES = 6;

/** Earlier turns of this participant's conversation, as plain text. */
function historyOf(context: vscode.ChatContext): Turn[] {
  const turns: Turn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', text: turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('')
        .trim();
      if (text) turns.push({ role: 'assistant', text });
    }
  }
  return turns;
}

/** The file and cursor the user is looking at, so that the engine prefers nearby code. */
function activeEditor(): { activeFile?: string; position?: { line: number; character: number }; selection?: string } {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.uri.scheme !== 'file') return {};
  const { active } = editor.selection;
  const selection = editor.document.getText(editor.selection);
  return {
    activeFile: editor.document.uri.toString(),
    position: { line: active.line, character: active.character },
    ...(selection.trim() ? { selection: selection.slice(0, 2000) } : {}),
  };
}

/** The prompt's tokens as the model counts them; the estimate when the model cannot count. */
async function countTokens(
  model: vscode.LanguageModelChat,
  messages: PromptMessage[],
  token: vscode.CancellationToken,
  estimate: number,
): Promise<number> {
  try {
    const counts = await Promise.all(messages.map((m) => model.countTokens(m.text, token)));
    return counts.reduce((a, b) => a + b, 0);
  } catch {
    return estimate;
  }
}

function referenceAll(stream: vscode.ChatResponseStream, chunks: { uri: string; range: ContextChunk['range'] }[]): void {
  for (const c of chunks) stream.reference(toLocation(c));
}

async function searchOnly(
  client: CodectxClient,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
) {
  stream.progress('Searching the index…');
  const res = await client.search({ query: request.prompt, limit: 15 }, token);
  if (!res.results.length) stream.markdown(`No code matches \`${request.prompt}\`.`);
  for (const [i, hit] of res.results.entries()) {
    stream.markdown(`${i + 1}. `);
    stream.anchor(toLocation(hit), `${hit.path}:${hit.startLine}`);
    // The link shows only the file's name: the path beside it tells apart files of the same name.
    stream.markdown(` ${hit.symbol ? `\`${hit.symbol}\` ` : ''}(${hit.kind}) · \`${hit.path}\`\n`);
    stream.reference(toLocation(hit));
  }
  if (res.partial) stream.markdown('\n_The index is still being built: results come from what is indexed so far._');
  e2eLog({
    event: 'chat',
    command: 'search',
    budget: 0,
    references: res.results.map((h) => `${h.path}:${h.startLine}-${h.endLine}`),
    promptTokens: 0,
  });
  return {};
}

async function answer(
  client: CodectxClient,
  request: vscode.ChatRequest,
  context: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const model = request.model as vscode.LanguageModelChat | undefined;
  const showOnly = request.command === 'context';
  const history = historyOf(context);
  // /context shows what a question would get; without a model it shows the default budget's worth.
  const budget = promptBudget(model?.maxInputTokens ?? 8192);
  stream.progress('Finding the code this question needs…');
  const res = await client.context(
    { query: request.prompt, budgetTokens: contextBudget(budget, request.prompt, history), ...activeEditor() },
    token,
  );
  const assemble = (room: number) =>
    assemblePrompt({ question: request.prompt, chunks: res.chunks, history: showOnly ? [] : history, budget: room });
  const { prompt, promptTokens } = await fittedPrompt(assemble, budget, showOnly ? undefined : model, token);
  const used = res.chunks.slice(0, prompt.chunks.length);
  const citations = used.map((c) => c.citation);
  referenceAll(stream, used);
  const partialNote = res.partial ? '\n\n_The index is still being built: the context comes from what is indexed so far._' : '';

  if (showOnly) {
    stream.markdown(`**Context for:** ${request.prompt}\n\n${used.length} chunks, ~${prompt.tokens} tokens of ${budget}.\n\n`);
    stream.markdown(formatContext(prompt.chunks) + partialNote);
    e2eLog({ event: 'chat', command: 'context', budget, references: citations, promptTokens: prompt.tokens });
    return {};
  }
  if (!model) {
    stream.markdown(
      'No chat model is available, so codectx cannot answer. Pick a model in the chat model picker (or install a ' +
        'model provider such as GitHub Copilot), or use `/search` and `/context`, which need none.' +
        partialNote,
    );
    e2eLog({ event: 'error', message: 'no chat model' });
    return {};
  }
  e2eLog({ event: 'chat', command: null, budget, references: citations, promptTokens });
  stream.progress(`Asking ${model.name} with ${used.length} chunks of code…`);
  const answered = await streamAnswer(model, prompt.messages, stream, token);
  if ('error' in answered) return { errorDetails: { message: answered.error } };
  showSources(stream, answered.text, used);
  if (partialNote) stream.markdown(partialNote);
  return { metadata: { citations, promptTokens } };
}

/**
 * The prompt within `budget` and its tokens. The estimate (characters / 4) can undercount dense code for the model's
 * own tokenizer: with a `model`, measure with it, and shrink the budget by the ratio once when the real count is over.
 */
async function fittedPrompt(
  assemble: (room: number) => AssembledPrompt,
  budget: number,
  model: vscode.LanguageModelChat | undefined,
  token: vscode.CancellationToken,
): Promise<{ prompt: AssembledPrompt; promptTokens: number }> {
  let prompt = assemble(budget);
  let promptTokens = prompt.tokens;
  if (model) {
    promptTokens = await countTokens(model, prompt.messages, token, prompt.tokens);
    if (promptTokens > budget) {
      prompt = assemble(Math.floor((budget * budget) / promptTokens));
      promptTokens = await countTokens(model, prompt.messages, token, prompt.tokens);
    }
  }
  return { prompt, promptTokens };
}

/** Sends the prompt and streams the answer as it comes; a model's failure is said in the chat and returned. */
async function streamAnswer(
  model: vscode.LanguageModelChat,
  prompt: PromptMessage[],
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<{ text: string } | { error: string }> {
  const messages = prompt.map((m) =>
    m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.text) : vscode.LanguageModelChatMessage.Assistant(m.text),
  );
  let text = '';
  try {
    const response = await model.sendRequest(
      messages,
      { justification: 'codectx answers from the code of your workspace' },
      token,
    );
    for await (const fragment of response.text) {
      text += fragment;
      stream.markdown(fragment);
    }
  } catch (error) {
    const why = error instanceof vscode.LanguageModelError ? `${error.message} (${error.code})` : (error as Error).message;
    stream.markdown(
      `\n\nThe chat model could not answer: ${why}. Pick another model in the chat model picker, or use \`/context\`.`,
    );
    e2eLog({ event: 'error', message: `chat model: ${why}` });
    return { error: why };
  }
  return { text };
}

/**
 * Under the answer, the code it rests on as links: the chunks the answer cites, then the best-ranked others, one per
 * file (all of them are in the references list too).
 */
function showSources(stream: vscode.ChatResponseStream, text: string, used: ContextChunk[]): void {
  const shown = sourcesToShow(citedChunks(text, used), used, MAX_SOURCES);
  if (!shown.length) return;
  stream.markdown('\n\n**Code used:** ');
  for (const [i, c] of shown.entries()) {
    if (i) stream.markdown(', ');
    stream.anchor(toLocation(c), c.citation);
  }
  if (used.length > shown.length) stream.markdown(` and ${used.length - shown.length} more chunks (references above).`);
}

export function registerParticipant(client: CodectxClient): vscode.Disposable {
  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    try {
      if (request.command === 'search') return await searchOnly(client, request, stream, token);
      return await answer(client, request, context, stream, token);
    } catch (error) {
      const message = (error as Error).message;
      stream.markdown(`codectx could not get context: ${message}`);
      e2eLog({ event: 'error', message: `chat: ${message}` });
      return { errorDetails: { message } };
    }
  };
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = new vscode.ThemeIcon('database');
  return participant;
}
