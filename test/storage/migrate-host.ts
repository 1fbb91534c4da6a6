// One "host" of the migration race: migrates the database of argv[2] (PostgreSQL schema argv[3]).
import { migrate, openDatabase } from '../../src/storage/database.ts';

const [url, searchPath] = process.argv.slice(2);
const database = openDatabase(url!, { searchPath: searchPath || undefined, poolSize: 1 });
try {
  process.stdout.write(JSON.stringify(await migrate(database.db, database.dialect)));
} finally {
  await database.close();
}
