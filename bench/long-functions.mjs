// Lists every function, method, accessor and arrow over 80 lines in the non-test sources of server/src and
// extension/src (issue 15: "no function over ~80 lines"); exits 1 if there is one. Lines run from the first token
// (after any doc comment) to the closing brace, inclusive. Usage: node bench/long-functions.mjs [--max 80]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { readOptions } from './options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: node bench/long-functions.mjs [--max 80]';
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};
const { max } = { max: 80, ...readOptions(process.argv.slice(2), { '--max': Number }, usage, fail) };
const folders = ['server/src', 'extension/src'];

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

function nameOf(node, file) {
  if (node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return parent.name.getText(file);
  }
  return '(anonymous)';
}

const isFunction = (node) =>
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

const long = [];
for (const folder of folders) {
  for (const path of sources(join(root, folder))) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (isFunction(node) && node.body) {
        const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
        const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = last - first + 1;
        if (lines > max) long.push({ path: relative(root, path), line: first + 1, name: nameOf(node, file), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}

for (const f of long) console.log(`${f.path}:${f.line} ${f.name} ${f.lines} lines`);
console.log(long.length === 0 ? `no function over ${max} lines` : `${long.length} functions over ${max} lines`);
process.exitCode = long.length === 0 ? 0 : 1;
