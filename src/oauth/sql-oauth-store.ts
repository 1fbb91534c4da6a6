import type { Selectable } from 'kysely';
import type { Database, Db, DbOrTrx } from '../storage/schema.ts';
import type {
  AccessTokenRecord,
  AuthorizationRequestRecord,
  Client,
  CodeRecord,
  ConsumeCodeResult,
  IssuedTokenRecord,
  NewClientRecord,
  OAuthStore,
  RefreshTokenRecord,
  RotateResult,
} from './ports.ts';
import { storedScopes } from './scopes.ts';

function toClient(row: Selectable<Database['clients']>): Client {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    website: row.website,
    description: row.description,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    isPublic: row.is_public === 1,
    isInternal: row.is_internal === 1,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

function toRefresh(row: Selectable<Database['refresh_tokens']>): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: storedScopes(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    rotatedAt: row.rotated_at,
    successorSealed: row.successor_sealed,
  };
}

function tokenRow(t: IssuedTokenRecord) {
  return {
    token_hash: t.tokenHash,
    grant_id: t.grantId,
    client_id: t.clientId,
    user_id: t.userId,
    scopes: t.scopes.join(' '),
    created_at: t.createdAt,
    expires_at: t.expiresAt,
  };
}

/** The OAuth ports over Kysely, for SQLite and PostgreSQL alike. */
export class SqlOAuthStore implements OAuthStore {
  readonly #db: DbOrTrx;
  constructor(db: DbOrTrx) {
    this.#db = db;
  }

  transaction<T>(work: (store: OAuthStore) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this);
    return (this.#db as Db).transaction().execute((trx) => work(new SqlOAuthStore(trx)));
  }

  async findClient(id: string): Promise<Client | undefined> {
    const row = await this.#db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toClient(row);
  }

  async insertClient(record: NewClientRecord): Promise<Client> {
    await this.#db
      .insertInto('clients')
      .values({
        id: record.id,
        secret_hash: record.secretHash,
        name: record.name,
        environment: record.environment,
        redirect_uris: JSON.stringify(record.redirectUris),
        website: record.website,
        description: record.description,
        contact_name: record.contactName,
        contact_email: record.contactEmail,
        is_public: record.isPublic ? 1 : 0,
        is_internal: record.isInternal ? 1 : 0,
        created_at: record.createdAt,
      })
      .execute();
    const row = await this.#db
      .selectFrom('clients')
      .selectAll()
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    return toClient(row);
  }

  async listClients(): Promise<Client[]> {
    const rows = await this.#db
      .selectFrom('clients')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toClient);
  }

  async setClientSecret(id: string, secretHash: string, now: number): Promise<void> {
    await this.#db
      .updateTable('clients')
      .set({ secret_hash: secretHash, secret_rotated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async disableClient(id: string, now: number): Promise<void> {
    await this.#db
      .updateTable('clients')
      .set({ disabled_at: now })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
  }

  async createGrant(grant: { id: string; userId: string; clientId: string; scopes: string[]; now: number }) {
    await this.#db
      .insertInto('grants')
      .values({
        id: grant.id,
        user_id: grant.userId,
        client_id: grant.clientId,
        scopes: grant.scopes.join(' '),
        created_at: grant.now,
      })
      .execute();
  }

  async isGrantActive(grantId: string): Promise<boolean> {
    // An UPDATE that changes nothing, for its row lock: inside a transaction that issues tokens, a
    // concurrent revocation (which updates the grant first) waits for it and then sees its tokens.
    const result = await this.#db
      .updateTable('grants')
      .set({ revoked_at: null })
      .where('id', '=', grantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async revokeGrant(grantId: string, now: number): Promise<void> {
    await this.transaction(async (store) => (store as SqlOAuthStore).#revokeGrants([grantId], now));
  }

  async revokeUserClient(userId: string, clientId: string, now: number): Promise<void> {
    await this.transaction(async (store) => {
      const self = store as SqlOAuthStore;
      await self.#db
        .updateTable('consents')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .execute();
      const grants = await self.#db
        .selectFrom('grants')
        .select('id')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .execute();
      await self.#revokeGrants(
        grants.map((g) => g.id),
        now,
      );
    });
  }

  async revokeClientGrants(clientId: string, now: number): Promise<void> {
    await this.transaction(async (store) => {
      const self = store as SqlOAuthStore;
      const grants = await self.#db
        .selectFrom('grants')
        .select('id')
        .where('client_id', '=', clientId)
        .execute();
      await self.#revokeGrants(
        grants.map((g) => g.id),
        now,
      );
    });
  }

  async #revokeGrants(grantIds: string[], now: number): Promise<void> {
    if (grantIds.length === 0) return;
    await this.#db
      .updateTable('grants')
      .set({ revoked_at: now })
      .where('id', 'in', grantIds)
      .where('revoked_at', 'is', null)
      .execute();
    for (const table of ['access_tokens', 'refresh_tokens'] as const) {
      await this.#db
        .updateTable(table)
        .set({ revoked_at: now })
        .where('grant_id', 'in', grantIds)
        .where('revoked_at', 'is', null)
        .execute();
    }
    // An unredeemed code of a revoked grant must not be redeemable either.
    await this.#db
      .updateTable('authorization_codes')
      .set({ used_at: now })
      .where('grant_id', 'in', grantIds)
      .where('used_at', 'is', null)
      .execute();
  }

  async saveCode(code: CodeRecord & { createdAt: number }): Promise<void> {
    await this.#db
      .insertInto('authorization_codes')
      .values({
        code_hash: code.codeHash,
        grant_id: code.grantId,
        client_id: code.clientId,
        user_id: code.userId,
        redirect_uri: code.redirectUri,
        scopes: code.scopes.join(' '),
        code_challenge: code.codeChallenge,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
      })
      .execute();
  }

  async consumeCode(codeHash: string, now: number): Promise<ConsumeCodeResult> {
    const updated = await this.#db
      .updateTable('authorization_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    const row = await this.#db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    if (!row) return { outcome: 'unknown' };
    if (updated.numUpdatedRows === 0n) return { outcome: 'already-used', grantId: row.grant_id };
    return {
      outcome: 'consumed',
      code: {
        codeHash: row.code_hash,
        grantId: row.grant_id,
        clientId: row.client_id,
        userId: row.user_id,
        redirectUri: row.redirect_uri,
        scopes: storedScopes(row.scopes),
        codeChallenge: row.code_challenge,
        expiresAt: row.expires_at,
      },
    };
  }

  async saveTokens(
    access: IssuedTokenRecord,
    refresh: IssuedTokenRecord | undefined,
    rotatedFrom?: { tokenHash: string; successorSealed: string },
  ): Promise<void> {
    await this.transaction(async (store) => {
      const self = store as SqlOAuthStore;
      await self.#db.insertInto('access_tokens').values(tokenRow(access)).execute();
      if (refresh) await self.#db.insertInto('refresh_tokens').values(tokenRow(refresh)).execute();
      if (rotatedFrom) {
        await self.#db
          .updateTable('refresh_tokens')
          .set({ successor_sealed: rotatedFrom.successorSealed })
          .where('token_hash', '=', rotatedFrom.tokenHash)
          .execute();
      }
    });
  }

  async findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('access_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select([
        't.token_hash',
        't.grant_id',
        't.client_id',
        't.user_id',
        't.scopes',
        't.created_at',
        't.expires_at',
        't.revoked_at',
        'u.account_id',
        'u.role',
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash,
      grantId: row.grant_id,
      clientId: row.client_id,
      userId: row.user_id,
      accountId: row.account_id,
      role: row.role,
      scopes: storedScopes(row.scopes),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toRefresh(row);
  }

  async markRefreshRotated(tokenHash: string, now: number): Promise<RotateResult> {
    const updated = await this.#db
      .updateTable('refresh_tokens')
      .set({ rotated_at: now })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .executeTakeFirst();
    const token = await this.findRefreshToken(tokenHash);
    if (!token) return { outcome: 'unknown' };
    return updated.numUpdatedRows === 1n
      ? { outcome: 'rotated', token }
      : { outcome: 'already-rotated', token };
  }

  async revokeAccessToken(tokenHash: string, now: number): Promise<void> {
    await this.#db
      .updateTable('access_tokens')
      .set({ revoked_at: now })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async findConsent(userId: string, clientId: string, notBefore: number): Promise<string[] | undefined> {
    const row = await this.#db
      .selectFrom('consents')
      .select('scopes')
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .where('granted_at', '>=', notBefore)
      .executeTakeFirst();
    return row ? storedScopes(row.scopes) : undefined;
  }

  async saveConsent(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    const values = { scopes: scopes.join(' '), granted_at: now, revoked_at: null };
    await this.#db
      .insertInto('consents')
      .values({ user_id: userId, client_id: clientId, ...values })
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet(values))
      .execute();
  }

  async saveAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
    await this.#db
      .insertInto('authorization_requests')
      .values({
        id_hash: request.idHash,
        session_hash: request.sessionHash,
        client_id: request.clientId,
        redirect_uri: request.redirectUri,
        scopes: request.scopes.join(' '),
        state: request.state,
        code_challenge: request.codeChallenge,
        expires_at: request.expiresAt,
      })
      .execute();
  }

  async takeAuthorizationRequest(idHash: string): Promise<AuthorizationRequestRecord | undefined> {
    const row = await this.#db
      .deleteFrom('authorization_requests')
      .where('id_hash', '=', idHash)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      idHash: row.id_hash,
      sessionHash: row.session_hash,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      scopes: storedScopes(row.scopes),
      state: row.state,
      codeChallenge: row.code_challenge,
      expiresAt: row.expires_at,
    };
  }
}
