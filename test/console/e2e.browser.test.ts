// End to end in real headless Chromium: the real app on embedded PGlite in a temp dir, the real
// screener, keys, ingest over HTTP, then a reviewer and a supervisor working through the console.
// Needs /usr/bin/chromium (scripts/install-chromium.sh); skipped with a message when it is absent.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, keyFor } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`CI must run the console e2e tests, but ${CHROMIUM} is not installed (scripts/install-chromium.sh)`);
if (!hasChromium) console.warn(`console e2e tests skipped: ${CHROMIUM} not found (run scripts/install-chromium.sh)`);

const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

const KNOWN = {
  id: 'CAD-2024-118842',
  kind: 'incident',
  recorded_as: 'Malicious Communications',
  opening_code: 'DOMESTIC',
  occurred_at: '2024-03-14T18:20:00Z',
  reported_at: '2024-03-14T19:05:00Z',
  victim_ref: 'V-4471',
  suspect_ref: 'S-9120',
  relationship: 'ex-partner',
  source: 'control-room',
  text:
    'Caller reports her ex-partner turned up at her workplace again today, the third time this week. ' +
    'He has sent over 40 messages since she blocked him on Instagram and created a new account to message her. ' +
    'He said he would kill her if she went to the police. She is terrified and has stopped going to the gym. ' +
    'There is a non-molestation order in force. If he turns up at her house again she will call police.',
};

const OTHERS = [
  { id: 'CAD-2024-117310', recorded_as: 'Concern for safety', occurred_at: '2024-02-27', victim_ref: 'V-4471', suspect_ref: 'S-9120', relationship: 'ex-partner', text: 'Ex-partner left flowers on her doorstep and followed her to the shops. She did not think he would hurt her.' },
  { id: 'CRM-2024-004512', recorded_as: 'Harassment s2', occurred_at: '2024-03-10', victim_ref: 'V-2210', suspect_ref: 'S-3301', text: 'Colleague keeps waiting outside her house every evening and has sent 25 texts after she told him to stop. She has changed her route to work.' },
  { id: 'CAD-2024-118001', recorded_as: 'Criminal Damage', occurred_at: '2024-03-12', text: 'Her former partner slashed the tyres on her car for the second time and has been watching the house. She is scared to go out alone.' },
  { id: 'CAD-2024-118500', recorded_as: 'Civil dispute', occurred_at: '2024-03-13', text: 'Neighbour dispute about parking. Caller says the neighbour shouted at him once.' },
];

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** WCAG contrast ratio of every evidence mark and its label, flag and risk badge on the page (run in the browser). */
function contrastCheck(): { selector: string; ratio: number }[] {
  const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
  const lum = (c: number[]) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const ratio = (a: string, b: string) => {
    const [l1, l2] = [lum(rgb(a)), lum(rgb(b))].sort((x, y) => y - x);
    return (l1! + 0.05) / (l2! + 0.05);
  };
  const out: { selector: string; ratio: number }[] = [];
  document.querySelectorAll('mark.ev, .flag, .risk, button.primary, .site-header a').forEach((el) => {
    let bgEl: Element | null = el;
    let bg = getComputedStyle(el).backgroundColor;
    while (bgEl && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
      bgEl = bgEl.parentElement;
      bg = bgEl ? getComputedStyle(bgEl).backgroundColor : 'rgb(255, 255, 255)';
    }
    out.push({ selector: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`, ratio: ratio(getComputedStyle(el).color, bg) });
    if (el.matches('mark.ev')) {
      const after = getComputedStyle(el, '::after');
      out.push({ selector: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}::after`, ratio: ratio(after.color, after.backgroundColor) });
    }
  });
  return out;
}

describe.skipIf(!hasChromium)('console in headless Chromium', () => {
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let reviewer: { name: string; key: string };
  let supervisor: { name: string; key: string };
  let knownSpans: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    app = await consoleApp({ dataDir: join(dir, 'data') });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    base = address;
    const ingest = await keyFor(app, 'ingest', 'e2e-ingest');
    reviewer = await keyFor(app, 'reviewer', 'e2e-reviewer');
    supervisor = await keyFor(app, 'supervisor', 'e2e-supervisor');

    const res = await fetch(`${base}/v1/records`, {
      method: 'POST',
      headers: { ...ingest.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ records: [...OTHERS, KNOWN] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; result: { indicators: { spans: { text: string }[] }[] } }[] };
    const known = body.results.find((r) => r.id === KNOWN.id)!;
    knownSpans = known.result.indicators.flatMap((i) => i.spans.map((s) => s.text));
    expect(knownSpans.length).toBeGreaterThan(0);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(page: Page, key: string) {
    await page.goto(`${base}/console/queue`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/queue/);
  }

  it('lets a reviewer sign in, open the top item, see its evidence highlighted, decide, and see the queue update', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    const page = await context.newPage();
    await signIn(page, reviewer.key);

    // The key is in no page, and the session cookie is out of script's reach.
    expect(await page.content()).not.toContain(reviewer.key);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Review queue');
    const rows = page.locator('table.queue tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await rows.first().getAttribute('data-record')).toBe(KNOWN.id);
    // Every form control on the page has a label.
    expect(await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((e) => !(e as HTMLInputElement).labels?.length).length)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue.png'), fullPage: true });

    await rows.first().getByRole('button', { name: /Open and claim/ }).click();
    await page.waitForURL(`**/console/records/${KNOWN.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Record ${KNOWN.id}`);

    // The highlighted words are exactly spans from the screening result.
    const markTexts = await page.locator('#narrative mark').allTextContents();
    const exact = markTexts.filter((t) => knownSpans.includes(t));
    expect(exact.length).toBeGreaterThan(0);
    expect(markTexts).toContain(knownSpans[0]);
    // Labels, not colour alone: every highlight (each piece of a cut one counts once) carries a visible text tag.
    const tagged = await page.locator('#narrative mark').evaluateAll((ms) => {
      const byEvidence = new Map<string, boolean>();
      for (const m of ms) {
        const content = getComputedStyle(m, '::after').content;
        const visible = !!content && content !== 'none' && content !== '""';
        byEvidence.set(m.getAttribute('data-ev')!, (byEvidence.get(m.getAttribute('data-ev')!) ?? false) || visible);
      }
      return [...byEvidence.values()];
    });
    expect(tagged.length).toBeGreaterThan(3);
    expect(tagged.every(Boolean)).toBe(true);
    // A hypothetical mention is shown muted, labelled, with the cue that made it so.
    const muted = page.locator('#narrative mark.muted').first();
    expect(await muted.getAttribute('data-tag')).toContain('not asserted');
    expect(await page.locator('table.evidence-table').textContent()).toMatch(/Not counted:.*hypothetical by “If”/);
    // Contrast: text on every highlight, label, flag, badge and primary button is at least 4.5:1.
    const contrast = await page.evaluate(contrastCheck);
    const worst = contrast.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    expect(worst.ratio, `lowest contrast ${worst.selector}`).toBeGreaterThanOrEqual(4.5);
    // The timeline shows the earlier record about the same victim and suspect.
    await expect.poll(() => page.locator('ol.timeline > li').count()).toBe(2);
    expect(await page.locator('ol.timeline').textContent()).toContain('CAD-2024-117310');
    await page.screenshot({ path: join(SCREENSHOTS, 'record.png'), fullPage: true });

    // Decide with the keyboard: "2" picks the s4A decision, Ctrl+Enter submits.
    await page.locator('h1').click();
    await page.keyboard.press('2');
    expect(await page.getByRole('radio', { name: /s4A/ }).isChecked()).toBe(true);
    await page.getByLabel('Reason (required)').fill('Repeated attendance at work, 40 messages after being blocked, a threat to kill: s4A limb (ii).');
    await page.getByLabel(/Recommended classification/).fill('Stalking s4A(ii)');
    await page.keyboard.press('Control+Enter');
    await page.waitForURL(/\/console\/queue\?notice=decided/);
    expect(await page.getByRole('status').textContent()).toContain(`Decision recorded for ${KNOWN.id}`);
    expect(await page.locator(`tr[data-record="${KNOWN.id}"]`).count()).toBe(0);

    // A reviewer cannot open the supervisor pages, and is not offered them.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    for (const path of ['/console/audit', '/console/health']) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available to your role');
    }

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in\?notice=signed-out/);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('shows a supervisor the decision in the audit trail and the queue health', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await signIn(page, supervisor.key);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.waitForURL(/\/console\/audit/);
    const decision = page.locator(`tr[data-action="queue.decision"][data-target="${KNOWN.id}"]`);
    expect(await decision.count()).toBe(1);
    expect(await decision.textContent()).toContain(reviewer.name);
    expect(await decision.textContent()).toContain('threat to kill');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue health' }).click();
    await page.waitForURL(/\/console\/health/);
    const depth = await page.locator('.stat').first().locator('.stat-value').textContent();
    const pending = (await (await fetch(`${base}/v1/queue`, { headers: { authorization: `Bearer ${supervisor.key}` } })).json()) as { total: number };
    expect(Number(depth)).toBe(pending.total);
    await context.close();
  });
});
