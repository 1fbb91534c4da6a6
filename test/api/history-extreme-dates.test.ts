import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordAccessEvent } from '../../src/access/access-events.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { doorIdByName } from '../helpers/account-pages.ts';
import { JOHN, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 9 §4.1: `end_date=9999-12-31` was a 500 (the day after it was written `+010000-01-01`), and
// years before 1000 were refused or read as 1900–1999. Every valid range answers like any other.
const NOW = Date.parse('2026-07-02T02:30:00Z');
const PATH = '/oauth/v1/endpoints/toggle-history';

// The zones at both ends of the offsets (UTC+14, UTC−12), a half-hour one, and ones with DST.
const ZONES = [
  'UTC',
  'Pacific/Kiritimati',
  'Etc/GMT-14',
  'Etc/GMT+12',
  'Pacific/Pago_Pago',
  'America/St_Johns',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
];

const RANGES: [string, string][] = [
  ['0001-01-01', '9999-12-31'],
  ['1000-01-01', '9999-12-31'],
  ['9999-12-31', '9999-12-31'],
  ['0001-01-01', '0001-01-01'],
  ['0999-12-31', '1000-01-01'],
  ['TODAY', '9999-12-31'],
  ['0001-01-01', 'TODAY'],
];

describe('Get Access History over the extreme dates (issue 9 §4.1)', () => {
  let app: TestApp;
  let john: string;
  let johnId: string;
  let garage: { id: string; deviceId: string; accountId: string };

  const setTimeZone = (timeZone: string) =>
    app.ctx.db.updateTable('users').set({ time_zone: timeZone }).where('id', '=', johnId).execute();

  before(async () => {
    app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0' }, clock: new ManualClock(NOW) });
    john = (await app.tokensFor()).access_token;
    johnId = (await app.api('/oauth/v1/endpoints/user-info', john)).body.data.id;
    const id = await doorIdByName(app, 'Garage');
    const door = await app.ctx.db
      .selectFrom('doors as d')
      .innerJoin('devices as v', 'v.id', 'd.device_id')
      .select(['v.id as deviceId', 'v.account_id as accountId'])
      .where('d.id', '=', id)
      .executeTakeFirstOrThrow();
    garage = { id, ...door };
    await recordAccessEvent(app.ctx.db, {
      accountId: garage.accountId,
      deviceId: garage.deviceId,
      doorId: garage.id,
      userId: johnId,
      clientId: null,
      channel: 'ParqEx Web',
      doorState: 'OPEN',
      outcome: 'done',
      occurredAt: NOW,
    });
  });
  after(() => app.close());

  for (const zone of ZONES) {
    test(`every extreme range answers 200 in ${zone}, and a range around now still holds today's event`, async () => {
      await setTimeZone(zone);
      for (const [start, end] of RANGES) {
        const response = await app.api(
          `${PATH}?${new URLSearchParams({ start_date: start, end_date: end, history_type: 'user' })}`,
          john,
        );
        assert.equal(response.status, 200, `${zone} ${start} … ${end}: ${JSON.stringify(response.body)}`);
        const events = response.body.data.toggle_events as { door_id: string }[];
        const holdsNow = start !== '9999-12-31' && !end.startsWith('0') && !end.startsWith('1000');
        assert.equal(events.length, holdsNow ? 1 : 0, `${zone} ${start} … ${end}`);
      }
    });
  }

  test('a date before 0001 or after 9999 is still a 400, never a 500', async () => {
    for (const [start, end] of [
      ['0000-12-31', '2026-07-01'],
      ['2026-07-01', '10000-01-01'],
      ['+010000-01-01', '+010000-01-01'],
      ['-0001-01-01', '2026-07-01'],
    ] as const) {
      const response = await app.api(
        `${PATH}?${new URLSearchParams({ start_date: start, end_date: end, history_type: 'user' })}`,
        john,
      );
      assert.equal(response.status, 400, `${start} … ${end}`);
      assert.equal(response.body.errors[0].code, 'invalid_request');
    }
  });

  test('the account history page takes the same extreme range', async () => {
    await setTimeZone('Pacific/Kiritimati');
    const browser = app.browser();
    await app.signIn(browser, JOHN);
    for (const [from, to] of RANGES.filter(([s, e]) => s !== 'TODAY' && e !== 'TODAY')) {
      const page = await browser.get(`/history?from=${from}&to=${to}&show=mine`);
      assert.equal(page.status, 200, `${from} … ${to}`);
    }
  });
});
