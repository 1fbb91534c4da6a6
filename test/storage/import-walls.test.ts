import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** Every import of every .ts file under `folder`, as a path relative to src/. */
function importsOf(folder: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of readdirSync(join(SRC, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    for (const match of readFileSync(path, 'utf8').matchAll(/^import[^;]*?from '(\.[^']+)'/gms)) {
      found.push({ file: relative(SRC, path), target: relative(SRC, join(entry.parentPath, match[1]!)) });
    }
  }
  return found;
}

const folderOf = (path: string) => path.split('/')[0]!;

// The walls of style.md ("Rooms and their walls"), so they stay up without anyone watching.
test('storage/ imports none of its consumers', () => {
  // Known and to move out: the OAuth repository belongs beside the protocol's ports.
  const known = new Set(['storage/repositories/sql-oauth-store.ts']);
  const breaches = importsOf('storage').filter(
    (i) => !known.has(i.file) && !['storage', 'lib', 'config.ts'].includes(folderOf(i.target)),
  );
  assert.deepEqual(breaches, []);
});

test('access/ imports no edge (api, web, cli) and no product', () => {
  const breaches = importsOf('access').filter((i) =>
    ['api', 'web', 'cli', 'marketplace', 'guests', 'enforcer', 'app-context.ts'].includes(folderOf(i.target)),
  );
  assert.deepEqual(breaches, []);
});
