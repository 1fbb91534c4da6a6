import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import * as m001 from './001-accounts-and-oauth.ts';
import * as m002 from './002-access.ts';
import * as m003 from './003-webhooks.ts';
import * as m004 from './004-expiry-indexes.ts';
import * as m005 from './005-access-grants.ts';
import * as m006 from './006-idempotency-keys.ts';
import * as m007 from './007-marketplace.ts';
import * as m008 from './008-guests.ts';
import * as m009 from './009-booking-transfers.ts';

export interface Migration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Versioned migrations, applied in name order. Never edit one that has shipped: add the next. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-accounts-and-oauth': m001,
  '002-access': m002,
  '003-webhooks': m003,
  '004-expiry-indexes': m004,
  '005-access-grants': m005,
  '006-idempotency-keys': m006,
  '007-marketplace': m007,
  '008-guests': m008,
  '009-booking-transfers': m009,
};
