// No import cycles among electron/ and shared/ files, type-only imports included: a cycle is where a
// module's "narrow port" quietly became the whole engine again.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import, export-from and dynamic import of each file, resolved to a file of the set. */
function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const imported = ts.preProcessFile(text, true, true).importedFiles.map((reference) => reference.fileName.split('?')[0]!);
    const targets = imported
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec))
      .map((base) => [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => files.has(candidate)))
      .filter((target): target is string => target !== undefined);
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import cycles', () => {
  it('finds a cycle made of type-only imports (the check itself)', () => {
    const files = new Map([
      ['/x/a.ts', "import type { B } from './b';\nexport type A = B;\n"],
      ['/x/b.ts', "import type { A } from './a';\nexport type B = A;\n"],
      ['/x/c.ts', "export const c = await import('./a');\n"],
    ]);
    expect(cycles(importGraph(files))).toEqual([['/x/a.ts', '/x/b.ts']]);
  });

  it('there is none among electron/ and shared/ files', () => {
    const files = new Map([...sourceFiles(join(root, 'electron')), ...sourceFiles(join(root, 'shared'))].map((file) => [file, readFileSync(file, 'utf8')] as const));
    expect(files.size).toBeGreaterThan(100);
    const found = cycles(importGraph(files)).map((component) => component.map((file) => relative(root, file)));
    expect(found, `import cycles:\n${found.map((component) => component.join(' → ')).join('\n')}`).toEqual([]);
  });
});
