/** `--json`: one JSON document on stdout and nothing else; otherwise lines for a person. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** A mistake in how the command was called: stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The plain output of a list: a header row, then one row per item, columns aligned (two spaces
 * apart; the last column is not padded). `--json` prints the items themselves instead.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
