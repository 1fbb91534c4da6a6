import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, DIALECT, startCluster } from './cluster.ts';
import { COOLDOWN_S, PER_PROCESS, raceOneRefreshToken, raceTogglesOfOneDoor, TOGGLES } from './races.ts';

// The races of toggle-race.test.ts and refresh-race.test.ts against one port served by the
// node:cluster workers of a single `parqex serve --workers 2`, which share their state only
// through the database like separate hosts do.
describe(`parqex serve --workers 2 on ${DIALECT}: the races against its one port`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(
      1,
      { PARQEX_TOGGLE_COOLDOWN_S: String(COOLDOWN_S), PARQEX_SIMULATOR_TRAVEL_MS: '300' },
      { args: ['--workers', '2'] },
    );
  });
  after(() => cluster?.close());

  test('it announces the workers and one port', () => {
    const [server] = cluster.servers;
    assert.match(server!.stdout, /^Workers: 2 processes \(node:cluster\), pid of the primary \d+$/m);
    assert.equal(server!.stdout.match(/^ParqEx listening on /gm)?.length, 1);
  });

  test(`${TOGGLES} toggles of one door at once: one 200, the rest 429; the history agrees`, async () => {
    await raceTogglesOfOneDoor(cluster);
    assert.deepEqual(cluster.errors(), [], 'no worker logged an error');
  });

  test(`one refresh token sent ${2 * PER_PROCESS} times at once: one successor pair for all`, async () => {
    await raceOneRefreshToken(cluster);
    assert.deepEqual(cluster.errors(), [], 'no worker logged an error');
  });

  test('SIGTERM: the primary stops its workers and exits 0', async () => {
    const [server] = cluster.servers;
    const { code, signal } = await server!.stop();
    assert.equal(signal, null, server!.output());
    assert.equal(code, 0, server!.output());
  });
});
