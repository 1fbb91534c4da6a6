/**
 * The rows of the table: what each one sends (in the documented wire forms of the README and
 * spec §5), the one request that must succeed before it is loaded, and its target.
 */
import type { LoadRequest } from './load-spec.ts';
import type { BenchClient, BenchPerson } from './seed.ts';

export const ROW_IDS = [
  'user-info',
  'refresh',
  'code',
  'sync',
  'history',
  'toggle',
  'search',
  'book',
] as const;
export type RowId = (typeof ROW_IDS)[number];

/** What a row should reach on the reference set-up (2 cores, SQLite, one process, 50 connections). */
export interface RowTarget {
  /** Requests per second as a share of the bare server's. */
  ratio?: number;
  p99Ms?: number;
}

/** One request sent before the load, with what its answer must be; `expect` names what is wrong. */
export interface Check {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect: (status: number, body: unknown) => string | undefined;
}

export interface Row {
  id: RowId | 'bare' | 'mix';
  title: string;
  target: RowTarget;
  /** Sent once each before the load; all must pass. */
  checks: Check[];
  load: LoadRequest[];
  /** The status every answer of the load must have (default 200). */
  status?: number;
}

export interface RowFixture {
  person: BenchPerson;
  client: BenchClient;
  /** Both scopes, for the bench person. */
  accessToken: string;
  /** 10 controllers × 5 doors, all opted in to the API. */
  doorIds: string[];
  historyDoorId: string;
  /** The first day of the history's range (its events span the last 30 days), `YYYY-MM-DD`. */
  historyStartDate: string;
  refresh?: { file: string; check: string };
  codes?: { file: string; check: string; expiresAt: number };
  toggleBodiesFile: string;
  /** Scope `BOOKINGS`, for the bench person (the renter of the Marketplace rows). */
  bookingsToken?: string;
  /** Search query strings (one point of the city each), and one at its centre for the check. */
  search?: { file: string; check: string };
  /** Booking bodies, each of its own signed quote, and one more for the check. */
  book?: { file: string; check: string; expiresAt: number };
}

const P99_TARGET_MS = 25;
export const TARGETS: Record<RowId, RowTarget> = {
  'user-info': { ratio: 0.6, p99Ms: P99_TARGET_MS },
  refresh: { ratio: 0.25, p99Ms: P99_TARGET_MS },
  code: {},
  sync: { ratio: 0.3, p99Ms: P99_TARGET_MS },
  history: { ratio: 0.3, p99Ms: P99_TARGET_MS },
  toggle: {},
  search: { ratio: 0.1, p99Ms: 50 },
  book: { ratio: 0.05, p99Ms: 50 },
};

const TOKEN_PATH = '/oauth/v2/endpoints/token/';

/** The documented request headers of the resource endpoints (spec §4). */
function apiHeaders(accessToken: string, gzip: boolean): Record<string, string> {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Authorization: `Bearer ${accessToken}`,
    'Accept-Charset': 'utf-8',
    ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}),
  };
}

/** RFC 6749 §2.3.1 client_secret_basic: id and secret form-encoded, then base64. */
function tokenHeaders(client: BenchClient, gzip: boolean): Record<string, string> {
  const basic = Buffer.from(
    `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`,
    'utf8',
  ).toString('base64');
  return {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    Authorization: `Basic ${basic}`,
    ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function expectTokens(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}: ${JSON.stringify(body)}`;
  if (!isObject(body) || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string')
    return `no token pair in ${JSON.stringify(body)}`;
  return undefined;
}

/** The bare server's row: the same request headers as user-info, a fixed answer. */
export function bareRow(gzip: boolean): Row {
  const headers = apiHeaders('bare-server-ignores-this-token', gzip);
  return {
    id: 'bare',
    title: 'bare node:http (limit)',
    target: {},
    checks: [
      {
        method: 'GET',
        path: '/',
        headers,
        expect: (status, body) =>
          status === 200 && isObject(body) && body.success === true ? undefined : `status ${status}`,
      },
    ],
    load: [{ method: 'GET', path: '/', headers }],
  };
}

/** The rows asked for, in table order. */
export function buildRows(fixture: RowFixture, ids: readonly RowId[], gzip: boolean): Row[] {
  const api = apiHeaders(fixture.accessToken, gzip);
  const token = tokenHeaders(fixture.client, gzip);
  const redirect = `redirect_uri=${encodeURIComponent(fixture.client.redirectUri)}`;
  const builders: Record<RowId, () => Row> = {
    'user-info': () => {
      const request = { method: 'GET' as const, path: '/oauth/v1/endpoints/user-info', headers: api };
      return {
        id: 'user-info',
        title: 'GET user-info',
        target: TARGETS['user-info'],
        checks: [
          {
            ...request,
            expect: (status, body) =>
              status === 200 &&
              isObject(body) &&
              isObject(body.data) &&
              body.data.email === fixture.person.email
                ? undefined
                : `status ${status}: ${JSON.stringify(body)}`,
          },
        ],
        load: [request],
      };
    },
    refresh: () => {
      const refresh = fixture.refresh!;
      const body = (value: string) => `grant_type=refresh_token&refresh_token=${value}`;
      return {
        id: 'refresh',
        title: 'refresh grant (rotation)',
        target: TARGETS.refresh,
        checks: [
          {
            method: 'POST',
            path: TOKEN_PATH,
            headers: token,
            body: body(refresh.check),
            expect: expectTokens,
          },
        ],
        load: [
          {
            method: 'POST',
            path: TOKEN_PATH,
            headers: token,
            vary: { file: refresh.file, order: 'once', into: 'body', template: body('{value}') },
          },
        ],
      };
    },
    code: () => {
      const codes = fixture.codes!;
      const body = (value: string) => `grant_type=authorization_code&${value}&${redirect}`;
      return {
        id: 'code',
        title: 'authorization-code exchange',
        target: TARGETS.code,
        checks: [
          {
            method: 'POST',
            path: TOKEN_PATH,
            headers: token,
            body: body(codes.check),
            expect: expectTokens,
          },
        ],
        load: [
          {
            method: 'POST',
            path: TOKEN_PATH,
            headers: token,
            vary: { file: codes.file, order: 'once', into: 'body', template: body('{value}') },
          },
        ],
      };
    },
    sync: () => {
      const request = { method: 'GET' as const, path: '/oauth/v1/endpoints/sync', headers: api };
      return {
        id: 'sync',
        title: 'GET sync (50 doors, 10 controllers)',
        target: TARGETS.sync,
        checks: [{ ...request, expect: expectSync }],
        load: [request],
      };
    },
    history: () => {
      const query = new URLSearchParams({
        start_date: fixture.historyStartDate,
        end_date: 'TODAY',
        history_type: 'door',
        door_id: fixture.historyDoorId,
        limit: '100',
      });
      const request = {
        method: 'GET' as const,
        path: `/oauth/v1/endpoints/toggle-history?${query}`,
        headers: api,
      };
      return {
        id: 'history',
        title: 'GET toggle-history (page of 100 of 100k)',
        target: TARGETS.history,
        checks: [{ ...request, expect: expectHistoryPage }],
        load: [request],
      };
    },
    toggle: () => {
      const door = fixture.doorIds.find((id) => id !== fixture.historyDoorId)!;
      return {
        id: 'toggle',
        title: 'POST toggle (no cooldown, 0 ms travel)',
        target: TARGETS.toggle,
        checks: [
          {
            method: 'POST',
            path: '/oauth/v1/endpoint/toggle',
            headers: api,
            body: JSON.stringify({ door_id: door, door_state: 'OPEN' }),
            expect: (status, body) =>
              status === 200 && isObject(body) && body.message === '200'
                ? undefined
                : `status ${status}: ${JSON.stringify(body)}`,
          },
        ],
        load: [
          {
            method: 'POST',
            path: '/oauth/v1/endpoint/toggle',
            headers: api,
            vary: { file: fixture.toggleBodiesFile, order: 'cycle', into: 'body', template: '{value}' },
          },
        ],
      };
    },
    search: () => {
      const search = fixture.search!;
      const headers = apiHeaders(fixture.bookingsToken!, gzip);
      const path = (query: string) => `/oauth/v1/endpoints/listings/search?${query}`;
      return {
        id: 'search',
        title: 'GET listings/search (1 km of 10k, 3 h)',
        target: TARGETS.search,
        checks: [{ method: 'GET', path: path(search.check), headers, expect: expectSearch }],
        load: [
          {
            method: 'GET',
            path: path(''),
            headers,
            vary: { file: search.file, order: 'cycle', into: 'path', template: path('{value}') },
          },
        ],
      };
    },
    book: () => {
      const book = fixture.book!;
      const headers = apiHeaders(fixture.bookingsToken!, gzip);
      const path = '/oauth/v1/endpoints/bookings';
      return {
        id: 'book',
        title: 'POST bookings (a quote each, simulated card)',
        target: TARGETS.book,
        checks: [{ method: 'POST', path, headers, body: book.check, expect: expectBooking }],
        status: 201,
        load: [
          {
            method: 'POST',
            path,
            headers,
            vary: { file: book.file, order: 'once', into: 'body', template: '{value}' },
          },
        ],
      };
    },
  };
  return ids.map((id) => builders[id]());
}

function expectSync(status: number, body: unknown): string | undefined {
  if (status !== 200 || !isObject(body) || !Array.isArray(body.devices)) return `status ${status}`;
  const doors = body.devices.reduce(
    (sum: number, d: unknown) => sum + (isObject(d) && Array.isArray(d.doors) ? d.doors.length : 0),
    0,
  );
  if (body.devices.length !== 10 || doors !== 50)
    return `expected 10 controllers and 50 doors, got ${body.devices.length} and ${doors}`;
  return undefined;
}

function expectHistoryPage(status: number, body: unknown): string | undefined {
  if (status !== 200 || !isObject(body) || !isObject(body.data))
    return `status ${status}: ${JSON.stringify(body)}`;
  const events = body.data.toggle_events;
  if (!Array.isArray(events) || events.length !== 100)
    return `expected a page of 100 events, got ${Array.isArray(events) ? events.length : 'none'}`;
  if (typeof body.data.next_cursor !== 'string') return 'expected a next_cursor after the first page';
  return undefined;
}

function expectSearch(status: number, body: unknown): string | undefined {
  if (status !== 200 || !isObject(body) || !isObject(body.data))
    return `status ${status}: ${JSON.stringify(body)}`;
  const items = body.data.items;
  if (!Array.isArray(items) || items.length < 10)
    return `expected a few dozen listings within 1 km of the centre, got ${Array.isArray(items) ? items.length : 'none'}`;
  const first = items[0] as unknown;
  if (!isObject(first) || !isObject(first.quote) || typeof first.quote.id !== 'string')
    return `expected each listing with its quote, got ${JSON.stringify(first)}`;
  return undefined;
}

function expectBooking(status: number, body: unknown): string | undefined {
  if (status !== 201) return `status ${status}: ${JSON.stringify(body)}`;
  if (!isObject(body) || !isObject(body.data) || body.data.status !== 'confirmed')
    return `expected a confirmed booking, got ${JSON.stringify(body)}`;
  return undefined;
}
