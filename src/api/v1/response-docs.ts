import type { TSchema } from 'typebox';
import { IdempotencyKeyInUse, IdempotencyKeyReused } from '../../idempotency/idempotency-errors.ts';
import { INTERNAL_ERROR_MESSAGE } from './envelope.ts';
import { apiError } from './wire-examples.ts';
import { ApiErrors } from './wire-schemas.ts';

/**
 * A documented response: its JSON schema with the words of the document (`x-response-description`),
 * examples (`x-examples`) and headers, as `@fastify/swagger` reads them.
 */
export type ResponseDoc = Record<string, unknown>;

/** Examples of a response, by name, as the document lists them. */
export type Examples = Record<string, { summary: string; value: unknown }>;

/** A documented JSON response: its schema, words, examples and headers (read by `@fastify/swagger`). */
export function json(
  description: string,
  schema: TSchema,
  examples: Examples,
  headers?: Record<string, object>,
): ResponseDoc {
  return {
    ...schema,
    'x-response-description': description,
    'x-examples': examples,
    ...(headers ? { headers } : {}),
  };
}

/** A request body's schema with its examples. */
export function withExamples(schema: TSchema, examples: Examples): TSchema {
  return { ...schema, 'x-examples': examples } as TSchema;
}

export const BEARER_CHALLENGE = {
  'WWW-Authenticate': {
    type: 'string',
    description: 'RFC 6750 §3, e.g. `Bearer realm="parqex", error="invalid_token", error_description="…"`.',
  },
};

/** A refusal in the documented envelope, with one example. */
export function refused(description: string, summary: string, code: string, message: string): ResponseDoc {
  return json(description, ApiErrors, { [code]: { summary, value: apiError(code, message) } });
}

/** The failures every documented API endpoint can answer (spec §4): bad input, bearer, our fault. */
export function apiFailures(): Record<400 | 401 | 500, ResponseDoc> {
  return {
    400: json('Malformed request, or the access token was sent in the query string.', ApiErrors, {
      invalidRequest: {
        summary: 'Malformed request',
        value: apiError('invalid_request', 'the body is not valid JSON: Unexpected end of JSON input'),
      },
      tokenInQuery: {
        summary: 'Token in the query string',
        value: apiError('invalid_request', 'send the access token in the Authorization header'),
      },
    }),
    401: json(
      'No access token, or it is invalid, expired or revoked.',
      ApiErrors,
      {
        invalidToken: {
          summary: 'Expired or revoked token',
          value: apiError('invalid_token', 'the access token is invalid, expired or revoked'),
        },
      },
      BEARER_CHALLENGE,
    ),
    500: json('Something went wrong on our side; nothing internal is revealed.', ApiErrors, {
      internal: { summary: 'Internal error', value: apiError('internal_error', INTERNAL_ERROR_MESSAGE) },
    }),
  };
}

/**
 * The refusals of a body Fastify reads before the route (any method but GET): over 64 KiB (413), or
 * of a type the API does not read (415). (The toggle answers these as its documented 400.)
 */
export function bodyFailures(): Record<413 | 415, ResponseDoc> {
  const schema = ApiErrors;
  const body = apiError;
  return {
    413: json('The body is larger than 64 KiB.', schema, {
      tooLarge: { summary: 'Too large', value: body('body_too_large', 'the body is larger than 64 KiB') },
    }),
    415: json('The body is of a type the API does not read: send JSON.', schema, {
      notJson: {
        summary: 'Not JSON',
        value: body(
          'unsupported_media_type',
          'the body must be JSON, sent with Content-Type: application/json',
        ),
      },
    }),
  };
}

/**
 * The 409 of a route that honours `Idempotency-Key`, with the words the server sends; beside the
 * route's own 409 (`own`), when it has one (its words first, then the key's).
 */
export function idempotencyConflict(own?: ResponseDoc): ResponseDoc {
  const reused = new IdempotencyKeyReused();
  const inUse = new IdempotencyKeyInUse();
  const words = 'The Idempotency-Key was used with another body, or its first request is still running.';
  return json(
    own
      ? `${String(own['x-response-description'])} Or: ${words.charAt(0).toLowerCase()}${words.slice(1)}`
      : words,
    ApiErrors,
    {
      ...((own?.['x-examples'] ?? {}) as Examples),
      [reused.code]: { summary: 'Same key, another body', value: apiError(reused.code, reused.message) },
      [inUse.code]: {
        summary: 'The first request is still running',
        value: apiError(inUse.code, inUse.message),
      },
    },
  );
}
