// The browser the UI tests and the benchmark drive: Debian's Chromium,
// headless, through playwright-core (no downloaded browser build).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

/** launch starts Chromium with a fresh profile; close() removes it. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'tiphys-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** login signs in through the login page. */
export async function login(page, url, password, user = 'admin') {
  await page.goto(url + '/#/applications');
  await page.getByTestId('password').fill(password);
  await page.getByTestId('username').fill(user);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-count').waitFor();
}
