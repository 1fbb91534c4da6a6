/** `--json`: one JSON document on stdout and nothing else; otherwise lines for a person. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** A mistake in how the command was called: stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
