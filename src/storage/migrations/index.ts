import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m001 from './001-accounts-and-oauth.ts';

/** Versioned migrations, applied in name order. Never edit one that has shipped: add the next. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { '001-accounts-and-oauth': m001 };
  },
};
