import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, DIALECT, startCluster } from './cluster.ts';
import { COOLDOWN_S, raceTogglesOfOneDoor, TOGGLES } from './races.ts';

describe(`${TOGGLES} toggles of one door at once over three parqex serve processes (${DIALECT})`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(3, {
      PARQEX_TOGGLE_COOLDOWN_S: String(COOLDOWN_S),
      PARQEX_SIMULATOR_TRAVEL_MS: '300',
    });
  });
  after(() => cluster?.close());

  test('one 200, the rest 429 with Retry-After; the history lists 1 success, 49 cooldowns and one sensor report', async () => {
    await raceTogglesOfOneDoor(cluster);
    assert.deepEqual(cluster.errors(), [], 'no process logged an error');
  });
});
