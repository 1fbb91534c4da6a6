import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';

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

  /** A fresh browser profile (no cookies) for test `t`; `undefined` when the test was skipped. */
  async openPage(t: TestContext, options: BrowserContextOptions = {}): Promise<Page | undefined> {
    const browser = await this.for(t);
    if (!browser) return undefined;
    const context = await browser.newContext(options);
    t.after(() => context.close());
    return context.newPage();
  }

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

/** A phone: 390 × 844 CSS pixels, touch, high density. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

/** A small phone: 375 × 667 CSS pixels (iPhone SE), touch, high density. */
export const SMALL_PHONE: BrowserContextOptions = { ...PHONE, viewport: { width: 375, height: 667 } };

/** Apple's and WCAG 2.5.5's minimum comfortable touch target. */
export const MIN_TOUCH_PX = 44;

/**
 * No horizontal scroll on a phone: the layout viewport is the phone's own width (so the page's
 * viewport meta works, rather than a 980px desktop layout shrunk down) and nothing is wider.
 */
export async function assertFitsPhoneWidth(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  )) as { scrollWidth: number; innerWidth: number };
  const width = page.viewportSize()?.width ?? PHONE.viewport!.width;
  assert.equal(innerWidth, width, `${what}: the layout viewport is the phone's width`);
  assert.ok(scrollWidth <= innerWidth, `${what} scrolls sideways: ${scrollWidth}px wide in ${innerWidth}px`);
}

/** The rendered height of an element, in CSS pixels. */
export async function heightOf(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is rendered');
  return box.height;
}

/**
 * Presses a form button (click, or tap on a touch screen) and requires the POST to `action` to
 * answer 303; otherwise fails with what the page said.
 */
export async function press(page: Page, button: Locator, action: string, how: 'click' | 'tap' = 'click') {
  const answered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action,
  );
  await (how === 'tap' ? button.tap() : button.click());
  const response = await answered;
  if (response.status() !== 303) {
    const said = (await response.text())
      .replace(/<(head|header|footer)[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    assert.fail(`POST ${action} answered ${response.status()}, not 303 — the page said: ${said}`);
  }
}

/**
 * Presses a door's Open or Close button on the doors page with its script running: the form is
 * posted in place (asking for JSON) and must answer 200; the page does not navigate.
 */
export async function pressInPlace(page: Page, button: Locator, how: 'click' | 'tap' = 'click') {
  const url = page.url();
  const answered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/doors/toggle',
  );
  await (how === 'tap' ? button.tap() : button.click());
  const response = await answered;
  assert.equal(response.status(), 200, `the in-place toggle answered ${response.status()}`);
  assert.match(response.headers()['content-type'] ?? '', /^application\/json/);
  await response.finished();
  assert.equal(page.url(), url, 'the page did not navigate');
}
