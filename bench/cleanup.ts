/**
 * What must be undone however the run ends (normally, on an error, on Ctrl-C): servers stopped,
 * the PostgreSQL database dropped, the run directory removed. Undone last-in, first-out.
 */
export class Cleanup {
  readonly #steps: { name: string; undo: () => Promise<void> }[] = [];
  #running: Promise<void> | undefined;

  /** Registers `undo`; the returned function runs it now (once) and unregisters it. */
  add(name: string, undo: () => Promise<void>): () => Promise<void> {
    const step = { name, undo };
    this.#steps.push(step);
    return async () => {
      const index = this.#steps.indexOf(step);
      if (index < 0) return;
      this.#steps.splice(index, 1);
      await undo();
    };
  }

  /** Runs every registered step, newest first; a failing step is reported and the rest still run. */
  runAll(report: (line: string) => void): Promise<void> {
    this.#running ??= (async () => {
      while (this.#steps.length > 0) {
        const step = this.#steps.pop()!;
        try {
          await step.undo();
        } catch (error) {
          report(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#running;
  }
}
