/**
 * The Node.js flags a ParqEx server process runs with (`npm start`, the workers of
 * `serve --workers N`, `npm run bench`; operators starting `parqex serve` themselves set them with
 * NODE_OPTIONS). V8 sizes the young generation from the machine's memory (32 MB semispaces on a
 * 24 GB host) and a busy server keeps all of it: 8 MB semispaces hold the memory target (1 million
 * tokens, 100,000 doors and 1 million events under 300 MB RSS) at the same throughput.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** `flags` plus the server's, unless the process was given its own value already. */
export function withServerNodeFlags(flags: readonly string[]): string[] {
  const given = new Set(flags.map((f) => f.split('=')[0]));
  return [...flags, ...SERVER_NODE_FLAGS.filter((f) => !given.has(f.split('=')[0]))];
}
