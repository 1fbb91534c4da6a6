import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { safeReturnPath } from './safe-return-path.ts';

test('paths of this site come back as they are', () => {
  for (const path of ['/account', '/history?from=2026-01-01&show=door%3Aab', '/a//b', '/x#y', '/?a=%20b'])
    assert.equal(safeReturnPath(path), path);
});

test('anything that is not one path of this site gives the fallback', () => {
  for (const value of [
    undefined,
    null,
    '',
    ['/a', '/b'],
    42,
    'account',
    'https://evil.example',
    'javascript:alert(1)',
    '//evil.example',
    '/\\evil.example',
    '/a\\b',
    '/\t/evil.example',
    '/a\r\nSet-Cookie: x=1',
    '/a\nb',
    '/a\u0000b',
    '/a\u007fb',
    '/a\u0085b',
    '/a\u2028b',
    '/\ud800',
  ])
    assert.equal(safeReturnPath(value), '/account', JSON.stringify(value));
  assert.equal(safeReturnPath('//x', '/doors'), '/doors');
});

test('what a URL may not carry as it is gets percent-encoded as UTF-8', () => {
  assert.equal(safeReturnPath('/路径?q=ü'), '/%E8%B7%AF%E5%BE%84?q=%C3%BC');
  assert.equal(safeReturnPath('/a b"<>`{|}^'), '/a%20b%22%3C%3E%60%7B%7C%7D%5E');
  assert.equal(safeReturnPath('/😀'), '/%F0%9F%98%80');
  assert.equal(safeReturnPath('/100%'), '/100%25');
  assert.equal(safeReturnPath('/?state=a\\b'), '/?state=a%5Cb');
});

test('property: the answer is printable ASCII, one leading slash, and a path of the same origin', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.string().map((s) => `/${s}`),
      ),
      (value) => {
        const path = safeReturnPath(value);
        assert.match(path, /^\/[\x21-\x7e]*$/);
        assert.ok(!path.startsWith('//') && !path.startsWith('/\\'));
        assert.equal(new URL(path, 'https://parqex.example').origin, 'https://parqex.example');
      },
    ),
    { numRuns: 2000 },
  );
});
