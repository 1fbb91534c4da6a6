/**
 * Calls `onGone` once when the process that started this one goes away (it is then adopted by init
 * or a subreaper, so `process.ppid` changes). `npm start` runs the server as npm's child: when npm
 * dies without passing a signal on (SIGKILL, a crash, an older npm whose shell does not forward
 * SIGTERM), the server would otherwise stay orphaned, serving, holding the port.
 *
 * Only when started by an npm script (`npm_lifecycle_event` set): a server started from a shell
 * with `nohup parqex serve &` is meant to outlive that shell.
 */
export function watchParent(onGone: () => void, env: NodeJS.ProcessEnv = process.env, everyMs = 500): void {
  if (!env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
}
