// The UI's browser test, driven by test/browser (Go) one phase at a time,
// the Go test changing the world and checking it between phases:
//
//   node ui/e2e/ui.mjs list|app|rollout|rollback
//
// Environment: TIPHYS_URL, TIPHYS_PASSWORD, SCREENSHOTS (a directory),
// and per phase BULK_PREFIX, BULK_COUNT, TOTAL_APPS, APP, ROLLOUT
// (namespace/name), ROLLBACK_APP, ROLLBACK_REVISION,
// ROLLBACK_REASON. It exits non-zero
// with a message on the first check that fails.
import { launch, login } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const url = env('TIPHYS_URL');
const shots = process.env.SCREENSHOTS || '.';
mkdirSync(shots, { recursive: true });
const long = { timeout: 240_000 };

function check(cond, msg) { if (!cond) throw new Error(msg); }

async function shot(page, name) {
  await page.screenshot({ path: join(shots, name + '.png') });
  console.log('screenshot', name + '.png');
}

async function countShown(page) {
  return Number(await page.getByTestId('app-count').getAttribute('data-count'));
}

/** waitCount waits until the list shows n apps. */
async function waitCount(page, n, what) {
  try {
    await page.waitForFunction(n => document.querySelector('[data-testid=app-count]')?.getAttribute('data-count') === String(n), n, { timeout: 15_000 });
  } catch {
    throw new Error(`${what}: the list shows ${await countShown(page)} apps, want ${n}`);
  }
}

const phases = {
  // The list: every app loaded, the search box, a status filter, a label
  // selector, the counts per status, the keyboard.
  async list(page) {
    const prefix = env('BULK_PREFIX'), bulk = Number(env('BULK_COUNT')), total = Number(env('TOTAL_APPS'));
    await page.waitForFunction(t => document.querySelector('[data-testid=app-count]')?.getAttribute('data-total') === String(t), total, { timeout: 30_000 })
      .catch(async () => { throw new Error(`list: ${await page.getByTestId('app-count').getAttribute('data-total')} apps loaded, want ${total}`); });
    const rows = await page.getByTestId('app-row').count();
    check(rows > 0 && rows < 100, `list: ${rows} rows in the DOM for ${total} apps, want only the visible ones`);
    await shot(page, 'app-list');
    // The theme toggle: dark, then back.
    const theme = () => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
    const before = await theme();
    await page.getByTestId('theme-toggle').click();
    check(await theme() !== before, `list: the theme toggle left the ${before} theme`);
    await shot(page, 'app-list-' + await theme());
    await page.getByTestId('theme-toggle').click();

    await page.keyboard.press('/');
    check(await page.getByTestId('search').evaluate(el => el === document.activeElement), 'list: / does not focus the search box');
    await page.keyboard.type(prefix);
    await waitCount(page, bulk, `search "${prefix}"`);
    await page.getByTestId('search').fill(prefix + '01');
    await waitCount(page, 100, `search "${prefix}01"`);
    await page.getByTestId('search').fill(prefix);
    await page.getByTestId('filter-sync-OutOfSync').check();
    const outOfSync = Number(await page.getByTestId('count-sync-OutOfSync').textContent());
    check(outOfSync === bulk, `list: the OutOfSync count among "${prefix}" apps is ${outOfSync}, want ${bulk}`);
    await waitCount(page, bulk, 'OutOfSync among the bulk apps');
    await page.getByTestId('filter-sync-OutOfSync').uncheck();
    await page.getByTestId('filter-sync-Synced').check();
    await waitCount(page, 0, 'Synced among the bulk apps');
    await page.getByTestId('filter-sync-Synced').uncheck();
    await page.getByTestId('selector').fill('tiphys.io/ui-test-team=team-1');
    await waitCount(page, bulk / 4, 'label selector team=team-1');
    await shot(page, 'app-list-filtered');
    await page.getByTestId('selector').fill('');
    // The other sections render (the page's errors fail the phase).
    for (const [nav, testid] of [['applicationsets', 'appset-list'], ['rollouts', 'rollout-list'], ['projects', 'project-list']]) {
      await page.getByTestId('nav-' + nav).click();
      await page.getByTestId(testid).waitFor();
    }
    await page.goto(`${url}/#/projects/default`);
    await page.getByTestId('project-page').waitFor();
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('search').fill(prefix + '0007');
    await waitCount(page, 1, 'search one app');
    // Keyboard: into the list, Enter opens the selected app.
    await page.getByTestId('app-list').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('app-page').waitFor();
    check((await page.getByTestId('app-page').getAttribute('data-name')) === prefix + '0007', 'list: Enter did not open the selected app');
  },

  // One app: its tree, its diff, a sync with options from the Sync panel.
  async app(page) {
    const app = env('APP');
    await page.goto(`${url}/#/applications/${app}`);
    await page.getByTestId('tree-node').first().waitFor();
    await shot(page, 'app-tree');
    await page.getByTestId('tab-diff').click();
    await page.locator('[data-testid=diff], [data-testid=diff-none], [data-testid=live-manifest]').first().waitFor();
    check(await page.getByTestId('live-manifest').count() === 0, 'app: the server sends no targetState: the diff cannot be shown');
    const changed = Number(await page.getByTestId('diff').first().getAttribute('data-changed'));
    check(changed > 0, `app: ${app}'s diff shows no changed line, want the resources Git adds`);
    await shot(page, 'app-diff');
    await page.getByTestId('sync-open').click();
    await page.getByTestId('sync-panel').waitFor();
    await page.getByTestId('sync-option-CreateNamespace').check();
    await page.getByTestId('sync-prune').check();
    await shot(page, 'app-sync-panel');
    await page.getByTestId('sync-submit').click();
    await page.getByTestId('sync-panel').waitFor({ state: 'detached' });
    await page.waitForSelector('[data-testid=operation][data-phase=Succeeded]', long)
      .catch(async () => { throw new Error(`app: the operation did not succeed: ${await page.getByTestId('operation').textContent()}`); });
    await page.getByTestId('tab-tree').click();
    await page.waitForFunction(() => document.querySelector('.pagehead [data-testid=sync]')?.textContent?.includes('Synced') &&
      !document.querySelector('.pagehead [data-testid=sync]')?.textContent?.includes('Out'), null, long);
    await shot(page, 'app-synced');
    // Escape closes a resource's panel.
    await page.getByTestId('tree-node').first().click();
    await page.getByTestId('resource-panel').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('resource-panel').waitFor({ state: 'detached' });
  },

  // A canary: the current step highlighted, promoted from the UI at its
  // pause, then its analysis drawn as it measures.
  async rollout(page) {
    const [ns, name] = env('ROLLOUT').split('/');
    await page.goto(`${url}/#/rollouts/${ns}/${name}`);
    await page.getByTestId('rollout-page').waitFor();
    await page.waitForSelector('[data-testid=pause]', long)
      .catch(() => { throw new Error('rollout: the canary never paused at its pause step'); });
    const current = await page.locator('[data-testid=step][data-current=true]').textContent();
    check(/pause/i.test(current), `rollout: the highlighted step is "${current}", want the pause`);
    const weight = Number(await page.getByTestId('weights').getAttribute('data-canary'));
    check(weight === 50, `rollout: canary weight ${weight}, want 50 at the pause`);
    await page.waitForSelector('[data-testid=replicaset][data-role=canary]', { timeout: 60_000 })
      .catch(() => { throw new Error('rollout: no canary ReplicaSet shown'); });
    await shot(page, 'rollout-paused');
    await page.getByTestId('action-promote').click();
    await page.waitForFunction(() => /analysis/i.test(document.querySelector('[data-testid=step][data-current=true]')?.textContent || ''), null, { timeout: 60_000 })
      .catch(() => { throw new Error('rollout: promote did not move the canary to its analysis step'); });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=metric-chart]')?.getAttribute('data-points') || 0) >= 2, null, long)
      .catch(async () => { throw new Error(`rollout: the analysis chart has ${await page.getByTestId('metric-chart').first().getAttribute('data-points').catch(() => 'no')} points, want 2`); });
    await shot(page, 'rollout-analysis');
    await page.waitForSelector('[data-testid=rollout-page][data-phase=Healthy]', long)
      .catch(() => { throw new Error('rollout: the canary did not finish Healthy'); });
    await shot(page, 'rollout-done');
  },

  // A rollback from the history table.
  async rollback(page) {
    const app = env('ROLLBACK_APP'), revision = env('ROLLBACK_REVISION');
    // The app's tree down to its Pods, for the docs.
    await page.goto(`${url}/#/applications/${app}`);
    await page.locator('[data-testid=tree-node][data-kind=Pod]').first().waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error(`rollback: ${app}'s tree shows no Pod`); });
    await shot(page, 'app-tree-pods');
    await page.goto(`${url}/#/applications/${app}/history`);
    const row = page.locator(`[data-testid=history-row][data-revision="${revision}"]`).first();
    await row.waitFor({ timeout: 30_000 }).catch(() => { throw new Error(`rollback: no history row at ${revision}`); });
    await row.getByTestId('rollback').click();
    if (process.env.ROLLBACK_REASON) await row.getByTestId('rollback-reason').fill(process.env.ROLLBACK_REASON);
    await shot(page, 'app-history');
    await row.getByTestId('rollback-confirm').click();
    await page.locator('[data-testid=rollback-started], [data-testid=error]').first().waitFor();
    if (await page.getByTestId('error').count()) throw new Error('rollback: ' + await page.getByTestId('error').first().textContent());
  },
};

const phase = process.argv[2];
if (!phases[phase]) { console.error(`usage: ui.mjs ${Object.keys(phases).join('|')}`); process.exit(2); }
const browser = await launch();
const page = await browser.context.newPage();
const errors = [];
page.on('pageerror', e => errors.push(e.message));
let code = 0;
try {
  await login(page, url, env('TIPHYS_PASSWORD'));
  await phases[phase](page);
  if (errors.length) throw new Error('errors in the page: ' + errors.join('; '));
  console.log(`phase ${phase}: ok`);
} catch (e) {
  console.error(`phase ${phase}: ${e.message}`);
  await shot(page, 'failed-' + phase).catch(() => {});
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
