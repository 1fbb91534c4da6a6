import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** file → the files it imports (absolute paths). */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every relative import, re-export and dynamic import of a source text, type-only ones included. */
export function importsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm)) {
    found.push(match[1]!);
  }
  for (const match of text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) found.push(match[1]!);
  return found;
}

export function readImportGraph(root: string): ImportGraph {
  return new Map(
    sourceFiles(root).map((file) => [
      file,
      importsIn(readFileSync(file, 'utf8')).map((spec) => resolve(dirname(file), spec)),
    ]),
  );
}

/** The room of a file: the first folder under `root`, or a top-level file's name. */
export function roomOf(root: string, file: string): string {
  const parts = relative(root, file).split('/');
  return parts.length === 1 ? parts[0]!.replace(/\.ts$/, '') : parts[0]!;
}

/** Imports from one room into another that `rules` does not allow, as `from → to (room → room)`. */
export function wallBreaks(
  root: string,
  graph: ImportGraph,
  rules: Readonly<Record<string, readonly string[]>>,
): string[] {
  const broken: string[] = [];
  for (const [file, targets] of graph) {
    const from = roomOf(root, file);
    const allowed = rules[from] ?? [];
    for (const target of targets) {
      const to = roomOf(root, target);
      if (to !== from && !allowed.includes(to)) {
        broken.push(`${relative(root, file)} → ${relative(root, target)} (${from} → ${to})`);
      }
    }
  }
  return broken;
}

/** Groups of files that import each other, directly or round a circle (Tarjan's SCCs). */
export function importCircles(root: string, graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(root, member));
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}
