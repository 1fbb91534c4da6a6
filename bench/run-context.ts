/** What the suite and the memory scenario run with: set up by the orchestrator, undone by it. */
import type { Cleanup } from './cleanup.ts';
import type { FreshDatabase } from './fresh-database.ts';
import type { BenchOptions } from './options.ts';

export interface RunContext {
  options: BenchOptions;
  runDir: string;
  database: FreshDatabase;
  cleanup: Cleanup;
  log: (line: string) => void;
}
