import type { Kysely } from 'kysely';

// Access+: controllers, doors, who may use them, what happened, invitations and mail.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('door_open_alert_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('door_open_alert_tone', 'text', (c) => c.notNull().defaultTo('door_open'))
    .addColumn('pin_code_sealed', 'text')
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('blackbox_code', 'text', (c) => c.notNull().unique())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('software_version', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('bluetooth_onboard', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bluetooth_mac_address', 'text', (c) => c.notNull().defaultTo('000000000000'))
    .addColumn('time_before_door_open_alert', 'integer', (c) => c.notNull().defaultTo(900))
    .addColumn('last_contact', 'bigint')
    .addColumn('is_simulated', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_online', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_account').on('devices').column('account_id').execute();

  await db.schema
    .createTable('doors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('entity_number', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('CLOSED'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_api_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('has_sensor', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('can_open', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('can_close', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('auto_close_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auto_close_delay', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_toggled', 'bigint')
    // The per-door cooldown, claimed by a conditional UPDATE (one toggle wins a race).
    .addColumn('cooldown_until', 'bigint')
    // A simulated door in motion: the state it reaches, and when its sensor will report it.
    .addColumn('moving_to', 'text')
    .addColumn('arrives_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('doors_device_entity', ['device_id', 'entity_number'])
    .execute();
  await db.schema.createIndex('doors_arrival').on('doors').column('arrives_at').execute();

  await db.schema
    .createTable('door_access')
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('granted_by', 'text')
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('door_access_pk', ['door_id', 'user_id'])
    .execute();
  await db.schema.createIndex('door_access_user').on('door_access').column('user_id').execute();

  await db.schema
    .createTable('door_names')
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('door_names_pk', ['door_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('access_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('door_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('door_state', 'text', (c) => c.notNull())
    .addColumn('was_success', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  for (const column of ['door_id', 'device_id', 'user_id'] as const) {
    await db.schema
      .createIndex(`access_events_${column}_time`)
      .on('access_events')
      .columns([column, 'occurred_at', 'id'])
      .execute();
  }

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('door_ids', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_email').on('invitations').column('email').execute();

  await db.schema
    .createTable('dev_mailbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
