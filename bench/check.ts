/** The one request of a row sent before its load: a benchmark of failures is worthless. */
import type { Check } from './rows.ts';

/** What is wrong with the answer to `check`, or undefined when it is as expected. */
export async function checkOnce(origin: string, check: Check): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(new URL(check.path, origin), {
      method: check.method,
      headers: check.headers,
      ...(check.body === undefined ? {} : { body: check.body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return `no answer: ${error instanceof Error ? error.message : String(error)}`;
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: `expect` sees the text
  }
  return check.expect(response.status, body);
}
