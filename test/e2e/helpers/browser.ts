/**
 * Debian's chromium driven by playwright-core, for the browser e2e tests and
 * scripts/screenshot.ts. Never a browser download: the executable is the one
 * `scripts/setup.sh --test` installs. One browser per suite (launch in
 * beforeAll, close in afterAll); one context per test. Everything waits with a
 * deadline.
 *
 * Runs as root here: playwright passes --no-sandbox to chromium unless asked
 * for the sandbox (chromiumSandbox: true), which is what lets root start it;
 * headless is chromium's new headless mode, no display needed.
 */
import * as fs from 'fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.RTMP_ENGINE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run 'bash scripts/setup.sh --test' (installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 15_000,
    // Autoplay without a click; no sound card in a sandbox.
    args: ['--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for failure messages. */
  errors: string[];
}

export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 720 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { context, page, errors };
}

export interface Playback {
  currentTime: number;
  videoWidth: number;
  videoHeight: number;
  /** The page's own stats panel. */
  stats: Record<string, string>;
}

/** The <video> and the stats panel now. */
export async function readPlayback(page: Page): Promise<Playback> {
  // A string, not a function: the tests compile without the DOM library.
  return page.evaluate(`(() => {
    const video = document.querySelector('video');
    const stats = {};
    document.querySelectorAll('[data-stat]').forEach((el) => { stats[el.getAttribute('data-stat')] = el.textContent; });
    return { currentTime: video.currentTime, videoWidth: video.videoWidth, videoHeight: video.videoHeight, stats };
  })()`);
}

/**
 * Polls a JavaScript expression in the page until it is truthy. Not
 * page.waitForFunction: that evaluates with eval() inside the page, which the
 * page's Content-Security-Policy (no 'unsafe-eval') refuses.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the video has a picture and its currentTime has advanced by
 * `advance` seconds past the first time it was seen playing. Returns the last
 * reading; throws with the page's state and errors after timeoutMs.
 */
export async function waitForPlayback(
  opened: OpenedPage,
  { advance = 1, timeoutMs = 12_000 }: { advance?: number; timeoutMs?: number } = {},
): Promise<{ first: Playback; last: Playback }> {
  const deadline = Date.now() + timeoutMs;
  let first: Playback | undefined;
  let last: Playback = await readPlayback(opened.page);
  while (Date.now() < deadline) {
    last = await readPlayback(opened.page);
    if (last.videoWidth > 0 && last.currentTime > 0) {
      if (!first) first = last;
      else if (last.currentTime - first.currentTime >= advance) return { first, last };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `no playback within ${timeoutMs} ms: ${JSON.stringify({ first, last })}; page errors: ${JSON.stringify(opened.errors)}`,
  );
}
