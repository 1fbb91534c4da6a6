import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderApiError } from './api/v1/api-errors.ts';
import { apiError, INTERNAL_ERROR_MESSAGE } from './api/v1/envelope.ts';
import { setPageHeaders } from './html/security-headers.ts';
import { type BodyRefusal, bodyRefusal } from './lib/body-refusal.ts';
import { isDomainError, statusOfKind } from './lib/domain-error.ts';
import { renderOAuthError } from './oauth/endpoints/token-render.ts';
import { OAuthError } from './oauth/errors.ts';
import { errorPage } from './web/pages/error-page.ts';

/**
 * Who reads an error, by path: the documented API and the product APIs read `{"errors":[…]}`
 * JSON; the OAuth token, revocation and introspection endpoints read RFC 6749 §5.2 JSON; people
 * read pages.
 */
export type ErrorFamily = 'api' | 'oauth' | 'page';

const OAUTH_JSON_ENDPOINTS = /^\/oauth\/v2\/endpoints\/(?:token|revoke|introspect)(?:[/?]|$)/;

export function errorFamily(url: string): ErrorFamily {
  if (url.startsWith('/oauth/v1/') || url.startsWith('/api/')) return 'api';
  if (OAUTH_JSON_ENDPOINTS.test(url)) return 'oauth';
  return 'page';
}

/** What any renderer needs to know of a refusal. */
type Refusal = BodyRefusal;

/** A domain error by its kind; a transport refusal by its status; anything else is unexpected. */
function refusalOf(error: unknown): Refusal | undefined {
  if (isDomainError(error)) {
    const message = error instanceof OAuthError ? error.description : error.message;
    return { status: statusOfKind(error.kind), code: error.code, message };
  }
  // The OAuth endpoints and the pages read forms (the API renders its own refusals).
  return bodyRefusal(error, 'application/x-www-form-urlencoded');
}

const PAGE_TITLES: Record<number, string> = {
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Already done',
  413: 'Too much data',
  429: 'Too many attempts',
};

/**
 * The one error handler: renders `error` for the family of the request's path. An unexpected error
 * becomes a generic 500, its cause logged under the request id and never sent.
 */
export function renderError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply | Promise<FastifyReply> {
  const family = errorFamily(request.url);
  // The API's one renderer, for what fails on an API path before any API route runs.
  if (family === 'api') return renderApiError(error, request, reply);
  const refusal = refusalOf(error);
  if (refusal === undefined) request.log.error({ err: error }, 'unexpected error');
  else if (refusal.status >= 500) request.log.error({ err: error, code: refusal.code }, 'request failed');
  else request.log.info({ code: refusal.code, status: refusal.status }, 'request refused');
  const shown = refusal ?? { status: 500, code: 'internal_error', message: INTERNAL_ERROR_MESSAGE };
  const status = shown.status;
  if (family === 'oauth') {
    // RFC 6749 §5.2: every refusal of the request itself is invalid_request; ours is server_error.
    // parqex-api.md, token endpoint: errors are 400 (or 401 for invalid_client): a body too large or
    // of another type is a malformed request like any other, its message says which.
    if (status >= 500) return renderOAuthError(reply, status, 'server_error', shown.message);
    if (error instanceof OAuthError) return renderOAuthError(reply, status, error.code, shown.message);
    return renderOAuthError(reply, isDomainError(error) ? status : 400, 'invalid_request', shown.message);
  }
  return setPageHeaders(reply)
    .code(status)
    .send(
      errorPage(
        status >= 500 ? 'Something went wrong' : (PAGE_TITLES[status] ?? 'Bad request'),
        shown.message,
      ),
    );
}

/** No route for this method and path, in the family's own shape. */
export function renderNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const family = errorFamily(request.url);
  if (family === 'api') {
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(apiError('not_found', 'No such endpoint.'));
  }
  if (family === 'oauth') {
    return renderOAuthError(
      reply,
      404,
      'invalid_request',
      `${request.method} is not supported at this endpoint.`,
    );
  }
  return setPageHeaders(reply)
    .code(404)
    .send(errorPage('Page not found', 'There is no page at this address.'));
}
