import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueFixture, escalationRequest, type QueueFixture, storedHuman } from './support/fixtures.js';
import { useEscalationSuite } from './support/suite.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
/** The bar: a new escalation shows on an open console within a second. */
const APPEARS_WITHIN_MS = 1_000;
const UI_TIMEOUT_MS = 15_000;

describe('human agents console in headless Chromium (real NATS and Postgres)', () => {
  // Plain http here, so the session cookie is not `Secure`-only.
  const { h } = useEscalationSuite({
    listen: true,
    config: { ESCALATION_PUBLIC_BASE_URL: 'http://127.0.0.1:8083' },
  });
  const userDataDir = mkdtempSync(join(tmpdir(), 'escalation-console-chromium-'));
  let browser: BrowserContext;
  let page: Page;
  let desk: QueueFixture;

  beforeAll(async () => {
    desk = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [
        { name: 'Alex Romero', available: false },
        { name: 'Sam Okafor', available: false },
      ],
    });
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('refuses a wrong token in the browser', async () => {
    await page.goto(`${h.url}/console/login`);
    await page.fill('#token', 'wrong-token');
    const [response] = await Promise.all([
      page.waitForResponse('**/console/login'),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).toBe(401);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('not valid');
  });

  it('signs in, shows a new escalation live within a second, opens it, accepts, resolves and toggles availability', async () => {
    await page.fill('#token', desk.humans[0]?.token ?? '');
    await Promise.all([page.waitForURL(`${h.url}/console`), page.click('button[type=submit]')]);
    await page.locator('body[data-live="on"]').waitFor();

    const request = escalationRequest(desk.agentId, {
      priority: 'high',
      reason: 'Wants to dispute a bill',
      transcript: [
        { role: 'caller', text: 'I was charged twice for my cleaning.', at: new Date().toISOString() },
        { role: 'agent', text: 'I am sorry about that; let me get a person.', at: new Date().toISOString() },
      ],
    });
    const row = page.locator(`#queue tr[data-escalation-id="${request.escalationId}"]`);
    const publishedAt = Date.now();
    await h.publish(request);
    await row.waitFor({ state: 'visible' });
    const appearedMs = Date.now() - publishedAt;
    console.log(
      `console: a new escalation appeared on the open page ${appearedMs} ms after it was published`,
    );
    expect(appearedMs).toBeLessThan(APPEARS_WITHIN_MS);
    await expect(row.locator('.reason').textContent()).resolves.toContain('Wants to dispute a bill');

    await row.locator('.reason a').click();
    await page.waitForURL(/\/console\/escalations\//);
    await expect(page.locator('#transcript').textContent()).resolves.toContain(
      'I was charged twice for my cleaning.',
    );
    await expect(page.locator('#summary').textContent()).resolves.toContain(request.summary);

    await Promise.all([page.waitForURL(/notice=accepted/), page.click('#accept')]);
    await expect(page.locator('#handled-by').textContent()).resolves.toBe('Alex Romero');

    await Promise.all([page.waitForURL(/notice=resolved/), page.click('#resolve')]);
    await expect(page.locator('#status').textContent()).resolves.toBe('resolved');
    await h.statuses.waitFor(request.escalationId, 'resolved');
    await Promise.all([page.waitForURL(`${h.url}/console`), page.click('header h1 a')]);
    await page
      .locator(`#history tr[data-escalation-id="${request.escalationId}"][data-status="resolved"]`)
      .waitFor();

    await expect(page.locator('#availability').textContent()).resolves.toBe('Away');
    await Promise.all([page.waitForURL(/notice=available/), page.click('#toggle-availability')]);
    await expect(page.locator('#availability').textContent()).resolves.toBe('Available');
    const alex = await storedHuman(h.db, desk.humans[0]?.id);
    expect(alex?.available).toBe(true);

    // Now available, Alex is rung for the next caller, and the open page shows it live.
    const next = escalationRequest(desk.agentId, { reason: 'Question about an X-ray', priority: 'normal' });
    await page.locator('body[data-live="on"]').waitFor();
    await h.publish(next);
    await page
      .locator(`#queue tr[data-escalation-id="${next.escalationId}"][data-status="dialing"]`)
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
  });
});
