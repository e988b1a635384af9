// The UI's first paint, for bench/ui: `node bench.mjs URL TOKEN RUNS`
// loads the app list RUNS times, each in a fresh browser (cold cache, a
// session token already kept), and prints one JSON line per run: the time
// from navigation to the list's first rows (the performance mark
// tiphys:list-rows), where the time went (the list request's wait and
// download), the bytes transferred (all, and the application list's), and
// the rows in the DOM.
import { launch } from './browser.mjs';

const [url, token, runs = '3'] = process.argv.slice(2);
for (let i = 0; i < Number(runs); i++) {
  const b = await launch();
  try {
    const page = await b.context.newPage();
    await page.addInitScript(t => localStorage.setItem('tiphys.token', t), token);
    await page.goto(url + '/#/applications');
    await page.waitForFunction(() => performance.getEntriesByName('tiphys:list-rows').length > 0, null, { timeout: 120_000 });
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const list = res.find(e => e.name.includes('/api/v1/applications?'));
      return {
        firstRowsMs: performance.getEntriesByName('tiphys:list-rows')[0].startTime,
        bytes: nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0),
        listBytes: list ? list.transferSize : 0,
        listDecodedBytes: list ? list.decodedBodySize : 0,
        // The list's request: the server's time to its first byte, the
        // download, and when it ended (the rest is the UI's parse and render).
        listWaitMs: list ? list.responseStart - list.requestStart : 0,
        listDownloadMs: list ? list.responseEnd - list.responseStart : 0,
        listEndMs: list ? list.responseEnd : 0,
        rows: document.querySelectorAll('[data-testid=app-row]').length,
        apps: Number(document.querySelector('[data-testid=app-count]').getAttribute('data-total')),
      };
    });
    console.log(JSON.stringify(r));
  } finally {
    await b.close();
  }
}
