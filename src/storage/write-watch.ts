import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * Tells listeners, after the fact, that this process wrote to the database. The in-process caches
 * (`HotCaches`) drop what they hold when it fires, so a change made through this process is seen by
 * the very next request it serves. A Kysely plugin, so every dialect and every query path is covered
 * without each writer having to remember to say so.
 */
export class WriteWatch implements KyselyPlugin {
  readonly #writes = new WeakSet<object>();
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` after every write statement; returns a function that stops it. */
  onWrite(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (isWrite(args.node)) this.#writes.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#writes.has(args.queryId)) for (const listener of this.#listeners) listener();
    return args.result;
  }
}

/** Anything but a plain SELECT counts as a write (raw SQL included, to be safe). */
function isWrite(node: RootOperationNode): boolean {
  return node.kind !== 'SelectQueryNode';
}
