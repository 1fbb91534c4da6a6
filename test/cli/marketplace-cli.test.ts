import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertJson, assertRefused, type Finished, field, type Sandbox, sandbox } from './parqex-process.ts';

// `parqex properties …` and `parqex listings …` (products.md §1, owners; running.md: --help, --json,
// refusals as one line on stderr with a non-zero exit and nothing written).

const HEX32 = /^[0-9a-f]{32}$/;

async function newAccount(box: Sandbox, email: string): Promise<string> {
  const created = assertJson(
    await box.run([
      ...['users', 'create', '--json', '--email', email, '--password', 'correct horse battery'],
      ...['--first-name', 'Olive', '--last-name', 'Owner'],
    ]),
  );
  return created.account_id;
}

async function newDoor(box: Sandbox, accountId: string): Promise<string> {
  const device = assertJson(
    await box.run(['devices', 'create', '--json', '--account', accountId, '--doors', '1']),
  );
  return device.door_ids[0];
}

const GARAGE = [
  ...['--name', 'Midtown Garage', '--line1', '350 W 39th St', '--city', 'New York', '--region', 'NY'],
  ...['--postal-code', '10018', '--country', 'US', '--latitude', '40.7566', '--longitude=-73.9918'],
  ...['--time-zone', 'America/New_York'],
];

async function snapshot(box: Sandbox) {
  const db = box.db();
  return {
    properties: await db.selectFrom('properties').selectAll().orderBy('id').execute(),
    gates: await db
      .selectFrom('property_doors')
      .selectAll()
      .orderBy('property_id')
      .orderBy('door_id')
      .execute(),
    listings: await db.selectFrom('listings').selectAll().orderBy('id').execute(),
  };
}

function assertRefusedWith(result: Finished, message: RegExp, code: number): void {
  assertRefused(result, message);
  assert.equal(result.code, code, `exit ${code}`);
}

describe('parqex properties and listings', () => {
  let box: Sandbox;
  let olive: string;
  let oliveDoor: string;
  let other: string;
  let otherDoor: string;

  before(async () => {
    box = await sandbox();
    olive = await newAccount(box, 'olive@example.com');
    other = await newAccount(box, 'otto@example.com');
    oliveDoor = await newDoor(box, olive);
    otherDoor = await newDoor(box, other);
  });
  after(() => box.close());

  test('--help of both commands prints on stdout and opens no database', async () => {
    const fresh = await sandbox();
    try {
      for (const [args, title] of [
        [['properties', '--help'], /^parqex properties — /],
        [['properties', 'create', '--help'], /^parqex properties — /],
        [['listings', '--help'], /^parqex listings — /],
        [['listings', 'publish', '-h'], /^parqex listings — /],
      ] as const) {
        const result = await fresh.run([...args]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, title);
        if (fresh.file) assert.equal(existsSync(fresh.file), false, 'no database was opened');
      }
      const overview = await fresh.run(['--help']);
      assert.match(overview.stdout, /^ {2}properties\b/m);
      assert.match(overview.stdout, /^ {2}listings\b/m);
    } finally {
      await fresh.close();
    }
  });

  test('properties create prints the property; list, show and update see and change it', async () => {
    const created = await box.run([
      'properties',
      'create',
      '--account',
      olive,
      ...GARAGE,
      '--door',
      oliveDoor,
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    const id = field(created.stdout, 'property_id');
    assert.match(id, HEX32);
    assert.equal(field(created.stdout, 'time_zone'), 'America/New_York');
    assert.equal(field(created.stdout, 'gates'), oliveDoor);
    const row = await box
      .db()
      .selectFrom('properties')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.account_id, olive);
    assert.equal(row.name, 'Midtown Garage');

    const shown = assertJson(await box.run(['properties', 'show', id, '--json']));
    assert.deepEqual(shown, {
      id,
      name: 'Midtown Garage',
      address: {
        line1: '350 W 39th St',
        line2: null,
        city: 'New York',
        region: 'NY',
        postal_code: '10018',
        country: 'US',
      },
      latitude: 40.7566,
      longitude: -73.9918,
      time_zone: 'America/New_York',
      door_ids: [oliveDoor],
    });
    const listed = assertJson(await box.run(['properties', 'list', '--account', olive, '--json']));
    assert.deepEqual(listed, [shown]);
    assert.deepEqual(assertJson(await box.run(['properties', 'list', '--account', other, '--json'])), []);

    const updated = assertJson(
      await box.run([
        'properties',
        'update',
        id,
        '--json',
        '--name',
        'Garage 39',
        '--city',
        'NYC',
        '--no-doors',
      ]),
    );
    assert.deepEqual(updated, {
      ...shown,
      name: 'Garage 39',
      address: { ...shown.address, city: 'NYC' },
      door_ids: [],
    });
  });

  test('listings create (--publish), list, show, update, unpublish', async () => {
    const property = assertJson(
      await box.run(['properties', 'create', '--json', '--account', olive, ...GARAGE]),
    );
    const created = assertJson(
      await box.run([
        ...['listings', 'create', '--json', '--account', olive, '--property', property.id],
        ...['--title', 'Level 2 pool', '--kind', 'pool', '--capacity', '8', '--currency', 'usd'],
        ...['--hourly', '600', '--daily-max', '3500', '--min-minutes', '60', '--free-cancel-minutes', '30'],
        ...['--availability', '{"weekly":[{"day":"mon","opens":"08:00","closes":"18:00"}]}', '--publish'],
      ]),
    );
    assert.match(created.id, HEX32);
    assert.deepEqual(created, {
      id: created.id,
      property_id: property.id,
      title: 'Level 2 pool',
      description: '',
      kind: 'pool',
      capacity: 8,
      vehicle_size_max: 'standard',
      rates: {
        hourly: { amount: 600, currency: 'USD' },
        daily_max: { amount: 3500, currency: 'USD' },
        monthly: null,
      },
      min_minutes: 60,
      max_minutes: null,
      availability: { weekly: [{ day: 'mon', opens: '08:00', closes: '18:00' }], closed_dates: [] },
      cancellation: { free_until_minutes_before: 30 },
      status: 'published',
    });
    const human = await box.run(['listings', 'show', created.id]);
    assert.equal(field(human.stdout, 'status'), 'published');
    assert.equal(field(human.stdout, 'rates'), 'hourly 6.00 USD, daily max 35.00 USD, monthly -');

    const published = assertJson(
      await box.run(['listings', 'list', '--json', '--account', olive, '--status', 'published']),
    );
    assert.deepEqual(
      published.map((l: any) => l.id),
      [created.id],
    );
    // update: none removes a rate or the hours; the rest keeps its value.
    const updated = assertJson(
      await box.run([
        ...['listings', 'update', created.id, '--json', '--title', 'Level 2 (covered)'],
        ...['--hourly', 'none', '--daily-max', '4000', '--availability', 'none', '--capacity', '9'],
      ]),
    );
    assert.deepEqual(updated, {
      ...created,
      title: 'Level 2 (covered)',
      capacity: 9,
      rates: { hourly: null, daily_max: { amount: 4000, currency: 'USD' }, monthly: null },
      availability: null,
    });
    const before = await snapshot(box);
    assertRefusedWith(
      await box.run(['listings', 'update', created.id, '--daily-max', 'none']),
      /a listing needs at least one rate/,
      1,
    );
    assertRefusedWith(
      await box.run(['listings', 'update', created.id]),
      /listings update needs something to change/,
      2,
    );
    assertRefusedWith(
      await box.run(['listings', 'update', created.id, '--currency', 'EUR']),
      /--currency goes with --hourly, --daily-max or --monthly/,
      2,
    );
    assert.deepEqual(await snapshot(box), before);

    const unpublished = assertJson(await box.run(['listings', 'unpublish', created.id, '--json']));
    assert.equal(unpublished.status, 'unpublished');
    const stored = await box
      .db()
      .selectFrom('listings')
      .select('status')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.status, 'unpublished');
  });

  test('refusals: one line on stderr, a non-zero exit, nothing written', async () => {
    const property = assertJson(
      await box.run(['properties', 'create', '--json', '--account', olive, ...GARAGE]),
    );
    const theirs = assertJson(
      await box.run(['properties', 'create', '--json', '--account', other, ...GARAGE]),
    );
    const before = await snapshot(box);

    assertRefusedWith(
      await box.run(['properties', 'create', '--account', olive, ...GARAGE, '--door', otherDoor]),
      new RegExp(`no door with the id ${otherDoor} in this account`),
      1,
    );
    assertRefusedWith(
      await box.run(['properties', 'create', ...GARAGE]),
      /--account ACCOUNT_ID is required/,
      2,
    );
    assertRefusedWith(
      await box.run(['properties', 'create', '--account', 'ffffffff-ffff-4fff-8fff-ffffffffffff', ...GARAGE]),
      /no account with the id ffffffff-ffff-4fff-8fff-ffffffffffff/,
      1,
    );
    assertRefusedWith(
      await box.run([
        'properties',
        'create',
        '--account',
        olive,
        ...GARAGE.slice(0, -2),
        '--time-zone',
        'Mars/Olympus',
      ]),
      /time_zone must be an IANA time zone/,
      1,
    );
    assertRefusedWith(
      await box.run(['properties', 'create', '--account', olive, '--name', 'x']),
      /properties create needs --line1/,
      2,
    );
    // Another account's property, named with this account: not found.
    assertRefusedWith(
      await box.run(['properties', 'update', theirs.id, '--account', olive, '--name', 'Mine']),
      new RegExp(`no property with the id ${theirs.id}`),
      1,
    );
    assertRefusedWith(
      await box.run([
        ...['listings', 'create', '--account', olive, '--property', theirs.id],
        ...['--title', 'x', '--kind', 'space', '--currency', 'USD', '--hourly', '500'],
      ]),
      new RegExp(`no property with the id ${theirs.id}`),
      1,
    );
    assertRefusedWith(
      await box.run([
        ...['listings', 'create', '--account', olive, '--property', property.id],
        ...['--title', 'x', '--kind', 'space', '--currency', 'USD'],
      ]),
      /a listing needs at least one rate/,
      1,
    );
    assertRefusedWith(
      await box.run([
        ...['listings', 'create', '--account', olive, '--property', property.id],
        ...['--title', 'x', '--kind', 'space', '--currency', 'USD', '--hourly', '5.50'],
      ]),
      /--hourly must be a whole number/,
      2,
    );
    assertRefusedWith(
      await box.run(['listings', 'publish', 'ffffffffffffffffffffffffffffffff']),
      /no listing with the id ffffffffffffffffffffffffffffffff/,
      1,
    );
    assertRefusedWith(
      await box.run(['listings', 'list', '--account', olive, '--status', 'live']),
      /--status must be/,
      2,
    );
    assert.deepEqual(await snapshot(box), before);
  });
});
