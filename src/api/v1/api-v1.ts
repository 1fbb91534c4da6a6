import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { renderApiError } from './api-errors.ts';
import { apiSchemaErrorFormatter, apiValidatorCompiler } from './api-validation.ts';
import { type ApiRoute, apiRouteOf, registerRoutes } from './define-route.ts';
import { guestPassRoutes } from './guests/guest-passes.routes.ts';
import { guestPolicyRoutes } from './guests/guest-policy.routes.ts';
import { memberRoutes } from './guests/members.routes.ts';
import { inviteRoutes } from './invite.routes.ts';
import { earningsRoute } from './marketplace/earnings.routes.ts';
import { listingsRoutes } from './marketplace/listings.routes.ts';
import { propertiesRoutes } from './marketplace/properties.routes.ts';
import { renterRoutes } from './marketplace/renter.routes.ts';
import { settingsRoute } from './settings.routes.ts';
import { syncRoutes } from './sync.routes.ts';
import { toggleRoute } from './toggle.routes.ts';
import { toggleHistoryRoute } from './toggle-history.routes.ts';
import { userInfoRoute } from './user-info.routes.ts';

/** Every method of every documented endpoint (spec §5), in the order the document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  userInfoRoute,
  settingsRoute,
  ...syncRoutes,
  toggleRoute,
  toggleHistoryRoute,
  ...inviteRoutes,
  ...propertiesRoutes,
  ...listingsRoutes,
  earningsRoute,
  ...renterRoutes,
  ...guestPassRoutes,
  ...guestPolicyRoutes,
  ...memberRoutes,
];

/**
 * The documented API in its own Fastify scope: its routes validated with their schemas, and every
 * failure — refused input, a domain error, an unexpected one — rendered in one place (spec §4).
 * Responses are sent with JSON.stringify: the response schemas document, they do not filter.
 */
export function registerApiV1(api: FastifyInstance, ctx: ApiDeps): void {
  api.setValidatorCompiler(apiValidatorCompiler);
  api.setSchemaErrorFormatter(apiSchemaErrorFormatter);
  api.setSerializerCompiler(() => (data) => JSON.stringify(data));
  api.setErrorHandler((error, request, reply) => {
    const route = apiRouteOf(request);
    const invalidInputBody = route?.invalidInputBody;
    return renderApiError(error, request, reply, invalidInputBody && ((e) => invalidInputBody(ctx, e)));
  });
  registerRoutes(api, ctx, API_ROUTES);
}
