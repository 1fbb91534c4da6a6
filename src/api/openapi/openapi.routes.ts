import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { setPageHeaders } from '../../html/security-headers.ts';
import { apiReferencePage } from './api-reference-page.ts';
import { publishedDocument, swaggerOptions } from './openapi-document.ts';

/**
 * The API reference: `@fastify/swagger` collects every route registered after this (so call it
 * before the routes), `GET /openapi.json` serves the OpenAPI 3.1 document that Postman and
 * Insomnia import, and `GET /docs` the same document as a readable page.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  ctx: { readonly publicUrl: string },
): Promise<void> {
  await app.register(swagger, swaggerOptions());
  app.get('/openapi.json', async (_request, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-cache')
      // A public description of a public API: browser-based tools may fetch it from anywhere.
      .header('access-control-allow-origin', '*')
      .send(publishedDocument(app.swagger(), ctx.publicUrl)),
  );
  app.get('/docs', async (_request, reply) =>
    setPageHeaders(reply).send(apiReferencePage(publishedDocument(app.swagger(), ctx.publicUrl))),
  );
}
