import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition, sampleValue } from './exposition.ts';

const GOOD = `# HELP x_total Things.
# TYPE x_total counter
x_total{a="1",b="q\\"uote"} 3

# TYPE h_seconds histogram
h_seconds_bucket{le="0.1"} 1
h_seconds_bucket{le="+Inf"} 2
h_seconds_sum 0.5
h_seconds_count 2
`;

test('the strict reader takes a well-formed exposition', () => {
  const families = parseExposition(GOOD);
  assert.equal(sampleValue(families, 'x_total', { a: '1', b: 'q"uote' }), 3);
  assert.equal(sampleValue(families, 'h_seconds_count'), 2);
});

test('the strict reader refuses what a scraper would', () => {
  const refused: [string, RegExp][] = [
    [GOOD.slice(0, -1), /must end with a line feed/],
    [`${GOOD}y_total 1\n`, /no TYPE declared for y_total/],
    [`${GOOD}# a comment\n`, /neither HELP nor TYPE/],
    [GOOD.replace('x_total{a="1"', 'x_total{a=1'), /not a well-formed sample/],
    [GOOD.replace('} 3', '} three'), /not a well-formed sample/],
    [GOOD.replace('x_total{a="1",b="q\\"uote"} 3', 'x_total{a="1"} 3\nx_total{a="1"} 4'), /a second sample/],
    [GOOD.replace('h_seconds_bucket{le="+Inf"} 2', 'h_seconds_bucket{le="+Inf"} 0'), /not cumulative/],
    [GOOD.replace('h_seconds_count 2', 'h_seconds_count 3'), /\+Inf 2 ≠ _count 3/],
  ];
  for (const [text, message] of refused) assert.throws(() => parseExposition(text), message);
});
