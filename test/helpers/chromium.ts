import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium. Playwright never downloads a browser for this suite. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const MISSING = 'Chromium is not installed (apt-get install chromium); CI runs this test';

/**
 * One headless system Chromium per test file, launched on first use. On a developer machine without
 * Chromium each browser test skips itself at run time; on CI (`CI=true`) a missing Chromium fails
 * the test instead, so the browser tests can never silently stop running there.
 */
export class SystemChromium {
  #browser: Promise<Browser> | undefined;

  /** The browser for test `t`, or `undefined` after `t.skip(…)` when Chromium is missing off CI. */
  async for(t: TestContext): Promise<Browser | undefined> {
    if (!existsSync(CHROMIUM_PATH)) {
      if (process.env.CI === 'true') {
        throw new Error(
          `Chromium is not installed at ${CHROMIUM_PATH}, and CI=true: CI must install it (apt-get install -y chromium); browser tests never skip on CI`,
        );
      }
      t.skip(MISSING);
      return undefined;
    }
    this.#browser ??= chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return this.#browser;
  }

  async close(): Promise<void> {
    const browser = await this.#browser?.catch(() => undefined);
    this.#browser = undefined;
    await browser?.close();
  }
}
