import { API_ROUTES } from '../../src/api/v1/api-v1.ts';
import type { ApiRoute } from '../../src/api/v1/define-route.ts';
import { documentedPaths } from '../../src/api/v1/paths.ts';
import { TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

/** Every documented route at every spelling (spec §4), with a token that may call it. */
export interface RouteCaller {
  route: ApiRoute;
  /** `POST /api/oauth/v1/endpoints/toggle` */
  label: string;
  url: string;
  token: string;
}

/**
 * Callers of every route of the documented API: the invitation routes with an internal
 * application's token for the account's Admin (anyone else is refused before the input is read),
 * the others with the demo application's token for John.
 */
export async function routeCallers(app: TestApp): Promise<RouteCaller[]> {
  const internal = await app.registerClient({
    name: 'ParqEx Web',
    isInternal: true,
    environment: 'development',
    redirectUris: ['http://127.0.0.1/cb'],
  });
  const admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
  const john = (await app.tokensFor()).access_token;
  // The products' routes need their scopes (else every call is a 403 before the input is read).
  const renter = (await app.tokensFor({ scope: 'opendoor,closedoor,bookings,guests' })).access_token;
  const owner = (
    await app.tokensFor({ user: TEST_OWNER, scope: 'opendoor,closedoor,bookings,listings,guests' })
  ).access_token;
  const tokenOf = (route: ApiRoute) =>
    route.name === 'invite'
      ? admin
      : route.scopes?.includes('LISTINGS')
        ? owner
        : route.scopes?.includes('BOOKINGS') || route.scopes?.includes('GUESTS')
          ? renter
          : john;
  // Path parameters take ids of the right form that name nothing the caller has (a wrong form is
  // its own 400, before the body; the query and body are fuzzed).
  const sample = (url: string) =>
    url
      .replace(':user_id', '0b1e6c4a-5f3d-4e2a-9c8b-7d6e5f4a3b2c')
      .replace(/:\w+/g, 'e1f2a3b4c5d64e7f8a9b0c1d2e3f4a5b');
  return API_ROUTES.flatMap((route) =>
    documentedPaths(route.name).map((path) => {
      const url = sample(path);
      return { route, label: `${route.method} ${url}`, url, token: tokenOf(route) };
    }),
  );
}

/** A raw call: any method, headers and body (a string, sent as is). */
export async function rawCall(
  app: TestApp,
  method: string,
  path: string,
  init: { token?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}
