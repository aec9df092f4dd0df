// Opens the served docs in Chromium and checks what a reader sees: every operation of the
// bundle is listed and opens, its published example values are on its section, and the
// page logs no console errors and fetches nothing from other hosts.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openBrowser } from './chromium.js';
import type { OpenApiDocument } from '@org-membership-api/spec';
import { pageExpectations } from './operations.js';

export interface DocsPageReport {
  operations: string[];
  /** Operations of the bundle with no link on the page (method + path). */
  missingOperations: string[];
  /** Operations whose link exists but whose section did not open. */
  unopenedOperations: string[];
  /** Operations whose heading does not carry Redoc's Deprecated badge exactly when the contract deprecates them. */
  misbadgedOperations: Array<{ operation: string; deprecated: boolean }>;
  missingExamples: Array<{ operation: string; value: string }>;
  /** Named response examples the reader cannot pick in the response panel. */
  unselectableExamples: Array<{ operation: string; status: string; title: string }>;
  consoleErrors: string[];
  /** Requests to hosts other than the docs server (blocked: the docs must work offline). */
  externalRequests: string[];
  screenshots: string[];
}

// Redoc's footer logo is the one asset the standalone page always loads from Redocly's CDN.
// Readers with internet get it from there; here it is answered locally so that a console
// error means a problem of our page.
const redocFooterLogo = /^https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg$/;
const placeholderSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';

const normalize = (text: string) => text.replace(/\s+/g, '').toLowerCase();
const label = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

async function linksByText(page: Page): Promise<Map<string, string>> {
  const anchors = await page.$$eval('a[href^="#/"]', (as) =>
    as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })),
  );
  const links = new Map<string, string>();
  // A deprecated operation's link carries Redoc's "deprecated" label right after its path.
  for (const { href, text } of anchors) {
    const key = normalize(text.replace(/\s*deprecated\s*$/i, ''));
    if (!links.has(key)) links.set(key, href);
  }
  return links;
}

// The overview's operation lists render after hydration, and only once scrolled into view;
// each shows its first eight operations and a "Show N more..." button. Scroll down and open
// those as a reader would until the links stop changing.
async function waitForOperationLinks(page: Page): Promise<void> {
  let previous = -1;
  for (let i = 0; i < 40; i++) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    // One button at a time: opening a list re-renders the others.
    const more = page.locator('[data-testid="show-more-operations"]');
    if ((await more.count()) > 0) {
      await more.first().click();
      continue;
    }
    const count = await page.locator('a[href^="#/"]').count();
    if (count > 0 && count === previous) break;
    previous = count;
    await page.waitForTimeout(250);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * What `read` gives once `expected` holds of it, or when `timeout` is over. A section renders
 * in parts after its heading, slowly on a loaded machine: what it must show gets the time of
 * any other step to appear.
 */
async function settled(
  page: Page,
  timeout: number,
  read: () => Promise<string>,
  expected: (text: string) => boolean,
): Promise<string> {
  let text = await read();
  for (const deadline = Date.now() + timeout; !expected(text) && Date.now() < deadline;) {
    await page.waitForTimeout(100);
    text = await read();
  }
  return text;
}

// The response panel: pick the status, then read the example picker (a menu when the status
// has several examples, the picker's label when it has one).
async function selectableExamples(page: Page, section: Locator, status: string): Promise<string[] | undefined> {
  const statusButton = section.locator('button:not([role=tab])').filter({ hasText: new RegExp(`^${status}$`) });
  if ((await statusButton.count()) === 0) return [];
  await statusButton.first().click();
  // The response picker is the first one after the status buttons (the request payload has
  // its own picker earlier in the section).
  const pickers = section.locator('button[aria-label="Example"][aria-haspopup="menu"]');
  const index = await statusButton
    .first()
    .evaluate(
      (button, all) =>
        all.findIndex((picker) => Boolean(button.compareDocumentPosition(picker) & Node.DOCUMENT_POSITION_FOLLOWING)),
      await pickers.elementHandles(),
    );
  if (index < 0) return undefined;
  const picker = pickers.nth(index);
  const current = ((await picker.textContent()) ?? '').trim();
  await picker.click();
  const items = page.locator('[role=menuitem]:visible');
  await items
    .first()
    .waitFor({ state: 'visible' })
    .catch(() => undefined);
  const titles = (await items.allTextContents()).map((text) => text.trim());
  await page.keyboard.press('Escape');
  return [current, ...titles];
}

export async function checkDocsPage(options: {
  docsUrl: string;
  bundle: OpenApiDocument;
  screenshotDir?: string;
  timeoutMs?: number;
}): Promise<DocsPageReport> {
  const timeout = options.timeoutMs ?? 5_000;
  const operations = pageExpectations(options.bundle);
  const report: DocsPageReport = {
    operations: operations.map(label),
    missingOperations: [],
    misbadgedOperations: [],
    unopenedOperations: [],
    missingExamples: [],
    unselectableExamples: [],
    consoleErrors: [],
    externalRequests: [],
    screenshots: [],
  };
  const docsOrigin = new URL(options.docsUrl).origin;
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(timeout);
    // Loading the page (megabytes of one HTML file) is one step that a loaded machine slows most.
    page.setDefaultNavigationTimeout(Math.max(timeout, 30_000));
    page.on('console', (message) => {
      if (message.type() === 'error') report.consoleErrors.push(message.text());
    });
    page.on('crash', () => report.consoleErrors.push('page crashed'));
    page.on('pageerror', (error) => report.consoleErrors.push(`uncaught: ${error.message}`));
    await page.route(
      (url) => url.protocol.startsWith('http') && url.origin !== docsOrigin,
      async (route) => {
        const url = route.request().url();
        if (redocFooterLogo.test(url))
          return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholderSvg });
        report.externalRequests.push(url);
        return route.abort('blockedbyclient');
      },
    );

    const response = await page.goto(options.docsUrl, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`GET ${options.docsUrl} answered ${response?.status() ?? 'nothing'}`);
    await page.waitForLoadState('networkidle');
    await waitForOperationLinks(page);
    if (options.screenshotDir) {
      await mkdir(options.screenshotDir, { recursive: true });
      const file = join(options.screenshotDir, 'overview.png');
      await page.screenshot({ path: file, fullPage: true });
      report.screenshots.push(file);
    }

    const links = await linksByText(page);
    for (const operation of operations) {
      const href = links.get(normalize(`${operation.method}${operation.path}`));
      if (!href) {
        report.missingOperations.push(label(operation));
        continue;
      }
      // What a click on the link does; setting the hash directly keeps working once the
      // overview is no longer on screen.
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, href);
      const section = page.locator(`[data-section-id="${href.slice(1)}"]`);
      const heading = section.locator('h1, h2, h3', { hasText: operation.summary }).first();
      try {
        await heading.waitFor({ state: 'visible' });
      } catch {
        report.unopenedOperations.push(label(operation));
        continue;
      }
      // Redoc puts the badge in the operation's heading (the description may say "Deprecated" too).
      const badged = /\bDeprecated\b/.test(await heading.innerText());
      if (badged !== operation.deprecated)
        report.misbadgedOperations.push({ operation: label(operation), deprecated: operation.deprecated });
      // The section renders in parts after its heading (slowly on a loaded machine): give the
      // example values the same time as any other step to appear.
      let text = await section.innerText();
      for (const deadline = Date.now() + timeout; Date.now() < deadline;) {
        if (operation.exampleValues.every((value) => text.includes(value))) break;
        await page.waitForTimeout(100);
        text = await section.innerText();
      }
      for (const value of operation.exampleValues) {
        if (!text.includes(value)) report.missingExamples.push({ operation: label(operation), value });
      }
      for (const { status, titles, firstValues } of operation.responseExamples) {
        const selectable = await selectableExamples(page, section, status);
        if (selectable === undefined) {
          // A single example is shown without a picker: its values must be on screen.
          const shown = await section.innerText();
          for (const value of firstValues)
            if (!shown.includes(value))
              report.missingExamples.push({ operation: `${label(operation)} ${status}`, value });
          if (titles.length === 1) continue;
        }
        for (const title of selectable ?? []) {
          const index = titles.indexOf(title);
          if (index >= 0) titles.splice(index, 1);
        }
        for (const title of titles) report.unselectableExamples.push({ operation: label(operation), status, title });
      }
      if (options.screenshotDir && report.screenshots.length === 1) {
        const file = join(options.screenshotDir, `${operation.operationId}.png`);
        await section.scrollIntoViewIfNeeded();
        await page.screenshot({ path: file });
        report.screenshots.push(file);
      }
    }
  } finally {
    await browser.close();
  }
  return report;
}

/** Problems as lines a person can act on (empty when the page is fine). */
export function describeProblems(report: DocsPageReport): string[] {
  return [
    ...report.missingOperations.map((op) => `not listed on the page: ${op}`),
    ...report.unopenedOperations.map((op) => `listed but its section does not open: ${op}`),
    ...report.misbadgedOperations.map(({ operation, deprecated }) =>
      deprecated
        ? `deprecated but shown without the Deprecated badge: ${operation}`
        : `shown as Deprecated: ${operation}`,
    ),
    ...report.missingExamples.map(({ operation, value }) => `example value not visible for ${operation}: ${value}`),
    ...report.unselectableExamples.map(
      ({ operation, status, title }) => `response example not selectable for ${operation} ${status}: ${title}`,
    ),
    ...report.consoleErrors.map((text) => `console error: ${text}`),
    ...report.externalRequests.map((url) => `request to another host: ${url}`),
  ];
}
