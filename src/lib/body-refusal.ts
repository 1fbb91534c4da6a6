/** What a client is told about a request Fastify refused before any route ran. */
export interface BodyRefusal {
  status: number;
  code: string;
  message: string;
}

const CODES: Readonly<Record<number, string>> = { 413: 'body_too_large', 415: 'unsupported_media_type' };

/**
 * Fastify's own 4xx refusals of a request (its body over the limit, of a type not read, not
 * parseable, or failing a route's schema), in words that say what is wrong. `expected` names the
 * body the endpoint reads (`JSON, sent with Content-Type: application/json`). Undefined for
 * anything that is not a 4xx of Fastify's.
 */
export function bodyRefusal(error: unknown, expected: string): BodyRefusal | undefined {
  const { code, statusCode, validation } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    validation?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const detail = (error as Error).message;
  const message = validation
    ? detail
    : error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY'
      ? `the body is not valid JSON: ${detail}`
      : code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'the body is larger than 64 KiB'
        : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `the body must be ${expected}`
          : detail;
  return { status: statusCode, code: CODES[statusCode] ?? 'invalid_request', message };
}
