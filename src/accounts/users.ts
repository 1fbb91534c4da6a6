import type { Selectable } from 'kysely';
import { uuid } from '../lib/crypto.ts';
import { DomainError, type ErrorKind } from '../lib/domain-error.ts';
import type { Database, DbOrTrx } from '../storage/schema.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.ts';

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface User {
  id: string;
  accountId: string;
  role: 'admin' | 'user';
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  address: Address;
  timeZone: string;
}

export interface Vehicle {
  id: string;
  plate: string;
  region: string | null;
  make: string | null;
  model: string | null;
  color: string | null;
}

/** A person who cannot be created as asked: bad input (`invalid_user`), a taken email, no such account. */
export class UserInputError extends DomainError {
  constructor(
    message: string,
    refusal: { code: string; kind: ErrorKind } = { code: 'invalid_user', kind: 'invalid_input' },
  ) {
    super(refusal.code, refusal.kind, message);
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toUser(row: Selectable<Database['users']>): User {
  return {
    id: row.id,
    accountId: row.account_id,
    role: row.role,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    address: {
      line1: row.address_line1,
      line2: row.address_line2,
      city: row.address_city,
      region: row.address_region,
      postalCode: row.address_postal_code,
      country: row.address_country,
    },
    timeZone: row.time_zone,
  };
}

export async function findUserById(db: DbOrTrx, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** The user and their password hash, for signing in. */
export async function findUserCredentials(
  db: DbOrTrx,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

export async function listVehicles(db: DbOrTrx, userId: string): Promise<Vehicle[]> {
  const rows = await db
    .selectFrom('vehicles')
    .select(['id', 'plate', 'region', 'make', 'model', 'color'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r }));
}

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  phone?: string;
  address?: Partial<Address>;
  /** Without it: a new account named after the user, with the user as its Admin. */
  accountId?: string;
  accountName?: string;
  id?: string;
}

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254 characters. */
const MAX_EMAIL_LENGTH = 254;
/**
 * WHATWG HTML, "valid e-mail address": no quotes, commas, angle brackets or spaces, so an address
 * is always exactly one recipient.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/** True for one well-formed email address (already normalized or not). */
export function isEmailAddress(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email);
}

/** Creates a user (and, without `accountId`, their account with them as Admin). */
export async function createUser(
  db: DbOrTrx,
  input: NewUser,
  now: number,
): Promise<{ userId: string; accountId: string }> {
  const email = normalizeEmail(input.email);
  if (!isEmailAddress(email)) throw new UserInputError(`"${input.email}" is not an email address`);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new UserInputError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (!input.firstName.trim() || !input.lastName.trim())
    throw new UserInputError('first and last name are required');
  const passwordHash = await hashPassword(input.password);
  const run = async (trx: DbOrTrx) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing)
      throw new UserInputError(`a user with email ${email} already exists`, {
        code: 'email_taken',
        kind: 'conflict',
      });
    let accountId = input.accountId;
    let role: 'admin' | 'user' = 'user';
    if (accountId === undefined) {
      accountId = uuid();
      role = 'admin';
      const name = input.accountName ?? `${input.firstName.trim()} ${input.lastName.trim()}`;
      await trx.insertInto('accounts').values({ id: accountId, name, created_at: now }).execute();
    } else {
      const account = await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', accountId)
        .executeTakeFirst();
      if (!account)
        throw new UserInputError(`account ${accountId} does not exist`, {
          code: 'account_not_found',
          kind: 'not_found',
        });
    }
    const userId = input.id ?? uuid();
    await trx
      .insertInto('users')
      .values({
        id: userId,
        account_id: accountId,
        role,
        email,
        password_hash: passwordHash,
        first_name: input.firstName.trim(),
        last_name: input.lastName.trim(),
        phone: input.phone ?? null,
        address_line1: input.address?.line1 ?? null,
        address_line2: input.address?.line2 ?? null,
        address_city: input.address?.city ?? null,
        address_region: input.address?.region ?? null,
        address_postal_code: input.address?.postalCode ?? null,
        address_country: input.address?.country ?? null,
        created_at: now,
      })
      .execute();
    return { userId, accountId };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
