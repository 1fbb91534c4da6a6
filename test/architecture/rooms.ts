/**
 * The rooms of `src/` and what each may import (ARCHITECTURE.md explains why). A room is the first
 * folder under `src/` (`src/access/toggle.ts` is in `access`), or a top-level file's name
 * (`src/config.ts` is `config`). Imports inside a room are free; between rooms only what is listed.
 */

/** Know nothing of ParqEx's rooms but each other, lowest first. */
const FOUNDATION = ['lib', 'config', 'storage'] as const;
/** The core rooms and the adapters they use: what a product may build on. */
const CORE = [...FOUNDATION, 'limits', 'mail', 'webhooks', 'accounts', 'access'] as const;
/** Everything below the edges. */
const BELOW_EDGES = [
  ...CORE,
  'html',
  'oauth',
  'marketplace',
  'guests',
  'enforcer',
  'idempotency',
  'observability',
] as const;

export const ROOMS = {
  lib: [],
  html: ['lib'],
  config: ['lib'],
  // Schema, dialects, migrations, the write signal: imports none of its consumers.
  storage: ['lib', 'config'],
  limits: FOUNDATION,
  mail: FOUNDATION,
  webhooks: FOUNDATION,
  accounts: [...FOUNDATION, 'limits', 'mail', 'webhooks'],
  oauth: FOUNDATION,
  access: [...FOUNDATION, 'limits', 'mail', 'webhooks', 'accounts', 'oauth'],
  // Products: give access only through access's grants; reach each other through one named function.
  marketplace: CORE,
  guests: [...CORE, 'marketplace'],
  enforcer: CORE,
  idempotency: FOUNDATION,
  observability: [...FOUNDATION, 'webhooks'],
  // Demo data: creates accounts, doors and applications through the rooms' own functions.
  demo: [...CORE, 'oauth', 'marketplace'],
  // Edges: parse, call, render. The API never imports pages; pages never import the API.
  api: BELOW_EDGES,
  web: [...BELOW_EDGES, 'demo'],
  // The composition root: builds the context, renders errors by family, registers every route.
  'app-caches': ['lib', 'storage', 'accounts', 'oauth', 'access', 'api'],
  'app-context': [...BELOW_EDGES, 'app-caches'],
  'render-error': ['lib', 'html', 'oauth', 'api', 'web'],
  app: [...BELOW_EDGES, 'api', 'web', 'app-context', 'app-caches', 'render-error'],
  background: ['lib', 'config', 'storage', 'access', 'webhooks', 'marketplace', 'guests', 'app-context'],
  // The command line may use anything; nothing imports it.
  cli: [
    ...BELOW_EDGES,
    'demo',
    'api',
    'web',
    'app-context',
    'app-caches',
    'app',
    'background',
    'render-error',
  ],
} as const satisfies Record<string, readonly string[]>;

export type Room = keyof typeof ROOMS;
