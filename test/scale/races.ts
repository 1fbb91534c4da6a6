import assert from 'node:assert/strict';
import { sha256 } from '../../src/lib/crypto.ts';
import {
  type Answer,
  api,
  type Cluster,
  refresh,
  sleepUntil,
  statusCounts,
  tokensFor,
  waitUntil,
} from './cluster.ts';

/**
 * The races the issue names, each against any set of processes (several `parqex serve`s, or the
 * workers of one `serve --workers N`): the test files run them, with the processes they start.
 */

/** The per-door cooldown the toggle race runs with (PARQEX_TOGGLE_COOLDOWN_S). */
export const COOLDOWN_S = 20;
export const TOGGLES = 50;
/** PARQEX_REFRESH_GRACE_S, left at its default: duplicates within it get the same successor pair. */
const GRACE_MS = 10_000;
export const PER_PROCESS = 20;

/** John's door as Get User Devices shows it to him. */
export async function johnsGarage(host: string, accessToken: string): Promise<{ id: string; state: string }> {
  const sync = await api(host, '/oauth/v1/endpoints/sync', accessToken);
  assert.equal(sync.status, 200, JSON.stringify(sync.body));
  const garage = sync.body.devices.flatMap((d: any) => d.doors).find((d: any) => d.name === 'Garage');
  assert.ok(garage, JSON.stringify(sync.body));
  return garage;
}

/** Get Access History of one door today, as its user sees it (spec §5.5). */
export async function doorHistory(host: string, accessToken: string, doorId: string): Promise<any[]> {
  const query = new URLSearchParams({
    start_date: 'TODAY',
    end_date: 'TODAY',
    history_type: 'door',
    door_id: doorId,
    limit: '1000',
  });
  const history = await api(host, `/oauth/v1/endpoints/toggle-history?${query}`, accessToken);
  assert.equal(history.status, 200, JSON.stringify(history.body));
  assert.equal(history.body.data.next_cursor, null);
  return history.body.data.toggle_events;
}

/**
 * Fifty toggles of one door at once over the cluster's processes: one accepted, the rest refused by
 * the per-door cooldown, and the history (and the door sensor) agreeing. Shared with the
 * `serve --workers` test.
 */
export async function raceTogglesOfOneDoor(cluster: Cluster): Promise<void> {
  const { access_token: john } = await tokensFor(cluster);
  const garage = await johnsGarage(cluster.url(0), john);
  const target = garage.state === 'OPEN' ? 'CLOSED' : 'OPEN';

  const answers: Answer[] = await Promise.all(
    Array.from({ length: TOGGLES }, (_, i) =>
      api(cluster.url(i), '/oauth/v1/endpoint/toggle', john, { door_id: garage.id, door_state: target }),
    ),
  );
  assert.deepEqual(
    statusCounts(answers),
    { 200: 1, 429: TOGGLES - 1 },
    JSON.stringify(answers.map((a) => a.body)),
  );
  for (const refused of answers.filter((a) => a.status === 429)) {
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= COOLDOWN_S, `Retry-After ${wait}`);
    assert.equal(refused.body.errors[0].code, 'door_cooldown');
  }

  // The door travels, then its sensor reports once, whichever process's simulator sees it arrive.
  const host = cluster.url(1);
  await waitUntil(
    'the door sensor to report',
    async () => (await doorHistory(host, john, garage.id)).some((e) => e.channel === 'Door Sensor'),
    30_000,
    200,
  );
  const events = await doorHistory(host, john, garage.id);
  const attempts = events.filter((e) => e.channel === 'ParqEx Demo App');
  assert.equal(attempts.length, TOGGLES, 'every attempt is in the history');
  assert.equal(attempts.filter((e) => e.was_success === true).length, 1);
  assert.equal(attempts.filter((e) => e.was_success === false).length, TOGGLES - 1);
  assert.deepEqual(
    events.filter((e) => e.channel === 'Door Sensor').map((e) => [e.door_state, e.was_success]),
    [[target, true]],
  );
  assert.equal(events.length, TOGGLES + 1);
  assert.equal((await johnsGarage(cluster.url(2), john)).state, target);

  // The refusals are recorded as what they were: the cooldown.
  const outcomes = await cluster.box
    .db()
    .selectFrom('access_events')
    .select(({ fn }) => ['outcome', fn.countAll<number>().as('count')])
    .where('door_id', '=', garage.id)
    .groupBy('outcome')
    .orderBy('outcome')
    .execute();
  assert.deepEqual(
    outcomes.map((o) => [o.outcome, Number(o.count)]),
    [
      ['cooldown', TOGGLES - 1],
      ['done', 1],
      ['sensor', 1],
    ],
  );
}

/**
 * One refresh token sent 2 × 20 times at once over the cluster's processes: every answer is the same
 * successor pair, exactly one is stored, it rotates once, and after the grace window the original
 * is refused as stolen (revoking the grant). Shared with the `serve --workers` test.
 */
export async function raceOneRefreshToken(cluster: Cluster): Promise<void> {
  const original = await tokensFor(cluster);

  const answers = await Promise.all(
    Array.from({ length: 2 * PER_PROCESS }, (_, i) => refresh(cluster.url(i), original.refresh_token)),
  );
  assert.deepEqual(
    statusCounts(answers),
    { 200: 2 * PER_PROCESS },
    JSON.stringify(answers.map((a) => a.body)),
  );
  const successor = answers[0]!.body;
  for (const answer of answers) {
    assert.equal(answer.body.access_token, successor.access_token);
    assert.equal(answer.body.refresh_token, successor.refresh_token);
  }
  assert.notEqual(successor.refresh_token, original.refresh_token);

  // Exactly one successor pair was stored: the grant holds the original pair and that one.
  const db = cluster.box.db();
  const rotated = await db
    .selectFrom('refresh_tokens')
    .select(['grant_id', 'rotated_at'])
    .where('token_hash', '=', sha256(original.refresh_token))
    .executeTakeFirstOrThrow();
  const count = async (table: 'access_tokens' | 'refresh_tokens') =>
    (await db.selectFrom(table).select('token_hash').where('grant_id', '=', rotated.grant_id).execute())
      .length;
  assert.equal(await count('refresh_tokens'), 2);
  assert.equal(await count('access_tokens'), 2);
  assert.equal(
    (await api(cluster.url(1), '/oauth/v1/endpoints/user-info', successor.access_token)).status,
    200,
  );

  // The successor is an ordinary refresh token: it rotates once.
  const next = await refresh(cluster.url(0), successor.refresh_token);
  assert.equal(next.status, 200, JSON.stringify(next.body));
  assert.notEqual(next.body.refresh_token, successor.refresh_token);

  // After the grace window the original is a stolen token: refused, and the grant is revoked.
  await sleepUntil(Number(rotated.rotated_at) + GRACE_MS + 1_000);
  const late = await refresh(cluster.url(1), original.refresh_token);
  assert.equal(late.status, 400);
  assert.equal(late.body.error, 'invalid_grant');
  assert.equal(
    (await api(cluster.url(0), '/oauth/v1/endpoints/user-info', next.body.access_token)).status,
    401,
  );
  assert.equal((await refresh(cluster.url(0), next.body.refresh_token)).body.error, 'invalid_grant');
}
