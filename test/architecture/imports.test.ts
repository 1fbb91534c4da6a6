import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  type ImportGraph,
  importCircles,
  importsIn,
  readImportGraph,
  roomOf,
  wallBreaks,
} from './import-graph.ts';
import { ROOMS, type Room } from './rooms.ts';

const SRC = resolve(import.meta.dirname, '../../src');
const graph = readImportGraph(SRC);

test('every file under src/ is in a room the rule knows', () => {
  const unknown = [...new Set([...graph.keys()].map((file) => roomOf(SRC, file)))].filter(
    (room) => !(room in ROOMS),
  );
  assert.deepEqual(unknown, [], 'add the new room to test/architecture/rooms.ts and ARCHITECTURE.md');
});

test('no import crosses a wall: each room imports only the rooms the rule allows', () => {
  assert.deepEqual(wallBreaks(SRC, graph, ROOMS), []);
});

test('there is no import circle between files', () => {
  assert.deepEqual(importCircles(SRC, graph), []);
});

test('the rule itself runs one way: no circle between rooms', () => {
  const done = new Set<string>();
  const path: string[] = [];
  const walk = (room: string): string | undefined => {
    if (path.includes(room)) return [...path.slice(path.indexOf(room)), room].join(' → ');
    if (done.has(room)) return undefined;
    path.push(room);
    for (const below of ROOMS[room as Room] ?? []) {
      const circle = walk(below);
      if (circle) return circle;
    }
    path.pop();
    done.add(room);
    return undefined;
  };
  for (const room of Object.keys(ROOMS)) assert.equal(walk(room), undefined);
});

test('the checker catches an upward import and a circle (guards the guard)', () => {
  assert.deepEqual(
    importsIn(
      [
        "import { a } from '../access/toggle.ts';",
        "import type { B } from './b.ts';",
        "export { c } from '../c.ts';",
        "import {\n  d,\n  e,\n} from '../d.ts';",
        "const f = await import('../f.ts');",
        "import x from 'fastify';",
      ].join('\n'),
    ),
    ['../access/toggle.ts', './b.ts', '../c.ts', '../d.ts', '../f.ts'],
  );
  const root = '/r';
  const fake: ImportGraph = new Map([
    ['/r/storage/hot.ts', ['/r/access/doors.ts']],
    ['/r/access/doors.ts', ['/r/storage/schema.ts', '/r/access/grants.ts']],
    ['/r/access/grants.ts', ['/r/access/doors.ts']],
    ['/r/storage/schema.ts', []],
  ]);
  assert.deepEqual(wallBreaks(root, fake, { storage: [], access: ['storage'] }), [
    'storage/hot.ts → access/doors.ts (storage → access)',
  ]);
  assert.deepEqual(importCircles(root, fake), [['access/doors.ts', 'access/grants.ts']]);
  // And the real tree is read at all: hundreds of imports, the composition root's among them.
  const total = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  assert.ok(total > 200, `only ${total} imports found: the pattern no longer matches`);
  assert.ok(graph.get(resolve(SRC, 'app.ts'))!.some((target) => roomOf(SRC, target) === 'web'));
});
