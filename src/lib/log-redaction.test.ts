import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './log-redaction.ts';

test('the token endpoint is logged without its query string', () => {
  assert.equal(
    redactUrl(
      '/oauth/v2/endpoints/token/?client_id=1&client_secret=s3cret&grant_type=authorization_code&code=abc',
    ),
    '/oauth/v2/endpoints/token/?[redacted]',
  );
  assert.equal(
    redactUrl('/oauth/v2/endpoints/token?refresh_token=r'),
    '/oauth/v2/endpoints/token?[redacted]',
  );
});

test('other URLs keep harmless parameters and hide the rest', () => {
  assert.equal(
    redactUrl(
      '/oauth/v2/endpoints/authorization/?client_id=1&state=secret-state&scope=opendoor&code_challenge=x',
    ),
    '/oauth/v2/endpoints/authorization/?client_id=1&state=[redacted]&scope=opendoor&code_challenge=[redacted]',
  );
  assert.equal(redactUrl('/healthz'), '/healthz');
});

test('a guest link never reaches a log: its path carries the secret', () => {
  const token = 'mW3bq0Yc8Q1nK5r7T2vXe9LhA4sD6fGjZ0pUoIyRtEw';
  assert.equal(redactUrl(`/g/${token}`), '/g/[redacted]');
  assert.equal(redactUrl(`/g/${token}/open`), '/g/[redacted]/open');
  assert.equal(redactUrl(`/g/${token}/state?x=1`), '/g/[redacted]/state?x=[redacted]');
  assert.equal(redactUrl('/guests?cursor=abc'), '/guests?cursor=[redacted]');
});
