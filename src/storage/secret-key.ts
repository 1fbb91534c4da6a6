import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from './schema.ts';

/**
 * `PARQEX_SECRET_KEY`, or in development a key generated once and kept in the database so that
 * cookies and sealed values survive restarts (production refuses to start without the variable).
 */
export async function resolveSecretKey(config: Config, db: Db): Promise<string> {
  if (config.secretKey) return config.secretKey;
  if (config.env === 'production') throw new Error('PARQEX_SECRET_KEY is required in production');
  const generated = randomBytes(32).toString('hex');
  await db
    .insertInto('app_settings')
    .values({ key: 'secret_key', value: generated })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('app_settings')
    .select('value')
    .where('key', '=', 'secret_key')
    .executeTakeFirstOrThrow();
  return row.value;
}
