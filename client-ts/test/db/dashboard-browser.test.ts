// The dashboard in a real browser: Playwright (playwright-core, which
// downloads no browser) drives the system's Chromium (Debian's package,
// installed by make deps; PGFLOW_CHROMIUM names another binary). A run is
// started, its page opened, and a step seen changing status live (sooner than
// the page's 10 s refresh: through LISTEN and server-sent events). The
// screenshot goes to a temporary directory, and to docs/dashboard-run.png
// when PGFLOW_DOCS_SCREENSHOT=1 (to refresh the docs' picture).
// Without Chromium the test is skipped, saying so.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { useTestDatabase } from './harness.js';

const CHROMIUM = process.env.PGFLOW_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard-browser: SKIPPED, no Chromium at ${CHROMIUM} (make deps installs it)`);

const db = useTestDatabase();
const WORKER = '00000000-0000-4000-8000-0000000b0b0b';
let dash: Dashboard;
let browser: Browser;

/** Plays a worker in SQL: starts up to `n` visible tasks of the flow, completes those of `step` with output(index). */
async function work(step: string, n: number, output: (i: number) => unknown) {
  const tasks = await db.sql<{ run_id: string; step_slug: string; task_index: number }[]>`
    select run_id, step_slug, task_index from pgflow.start_tasks('article',
      array(select msg_id from pgmq.read('article', 30, ${n})), ${WORKER}::uuid)`;
  for (const t of tasks.filter((t) => t.step_slug === step)) {
    await db.sql`select pgflow.complete_task(${t.run_id}::uuid, ${t.step_slug}::text, ${t.task_index}::int,
                                             ${JSON.stringify(output(t.task_index))}::text::jsonb)`;
  }
}

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  beforeAll(async () => {
    await db.sql`select pgflow.create_flow('article', timeout => 60)`;
    await db.sql`select pgflow.add_step('article', 'fetch')`;
    await db.sql`select pgflow.add_step('article', 'paragraphs', array['fetch'], step_type => 'map')`;
    await db.sql`select pgflow.add_step('article', 'keywords', array['fetch'])`;
    await db.sql`select pgflow.add_step('article', 'publish', array['paragraphs', 'keywords'])`;
    await db.sql`select pgflow.register_worker(${WORKER}::uuid, 'article', 'browser-test')`;
    dash = await startDashboard({ sql: db.connect({ max: 4 }), port: 0, onError: () => {} });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
  });

  it('shows a run\'s DAG changing live', { timeout: 60_000 }, async () => {
    const runId = (await db.sql<{ run_id: string }[]>`
      select run_id from pgflow.start_flow('article', '{"url": "https://example.com/dags-in-postgres"}')`)[0]!.run_id;
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${dash.url}#/run/${runId}`);
    const node = (step: string) => page.locator(`svg.dag g.node[data-step="${step}"]`);
    await expect.poll(() => node('fetch').getAttribute('data-status')).toBe('started');
    await page.locator('#live.on').waitFor(); // listening: no event is missed from here

    const changed = Date.now();
    await work('fetch', 1, () => ['intro', 'body', 'details', 'outro']);
    await expect.poll(() => node('fetch').getAttribute('data-status'), { timeout: 5_000 }).toBe('completed');
    expect(Date.now() - changed).toBeLessThan(5_000); // live, not the 10 s refresh
    await expect.poll(() => node('paragraphs').getAttribute('data-status'), { timeout: 5_000 }).toBe('started');
    await expect.poll(() => node('paragraphs').textContent(), { timeout: 5_000 }).toContain('0/4 tasks');

    // two of the four map tasks and keywords done: a run in the middle, for the picture
    await work('paragraphs', 3, (i) => ({ words: 100 + i }));
    await work('keywords', 10, () => ['postgres', '<img src=x onerror=alert(1)>']);
    await expect.poll(() => node('keywords').getAttribute('data-status'), { timeout: 5_000 }).toBe('completed');
    await expect.poll(() => node('paragraphs').textContent(), { timeout: 5_000 }).toMatch(/[1-9]\/4 tasks/);
    await expect.poll(() => page.locator('#run-status').textContent()).toBe('started');
    // data is text, never markup
    await expect.poll(() => page.locator('table.tasks').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('button[data-action="pause"]').count()).toBe(1);

    const dir = mkdtempSync(join(tmpdir(), 'pgflow-dashboard-'));
    await page.screenshot({ path: join(dir, 'dashboard-run.png') });
    expect(existsSync(join(dir, 'dashboard-run.png'))).toBe(true);
    if (process.env.PGFLOW_DOCS_SCREENSHOT === '1') {
      await page.screenshot({ path: fileURLToPath(new URL('../../../docs/dashboard-run.png', import.meta.url)) });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
