// Builds the UI into dist/: one hashed JS and one hashed CSS file under
// dist/assets (with gzip copies the Go handler serves), and an index.html
// that loads them. `node build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, join } from 'node:path';

const dist = new URL('./dist/', import.meta.url).pathname;
const watch = process.argv.includes('--watch');

const options = {
  entryPoints: ['src/main.tsx'],
  bundle: true,
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  format: 'esm',
  target: ['es2022'],
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [{ name: 'index', setup(b) { b.onEnd(r => { if (!r.errors.length) writeIndex(r.metafile); }); } }],
};

function clean() {
  rmSync(join(dist, 'assets'), { recursive: true, force: true });
  for (const f of readdirSync(dist)) if (f !== 'PLACEHOLDER') rmSync(join(dist, f), { recursive: true, force: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
}

function writeIndex(meta) {
  const outs = Object.keys(meta.outputs).map(p => basename(p));
  const js = outs.find(f => f.endsWith('.js'));
  const css = outs.find(f => f.endsWith('.css'));
  const html = readFileSync('src/index.html', 'utf8')
    .replace('%CSS%', css ? `<link rel="stylesheet" href="assets/${css}">` : '')
    .replace('%JS%', `<script type="module" src="assets/${js}"></script>`);
  writeFileSync(join(dist, 'index.html'), html);
  let total = 0, gz = 0;
  for (const f of outs) {
    const p = join(dist, 'assets', f);
    const b = readFileSync(p);
    const z = gzipSync(b, { level: 9 });
    writeFileSync(p + '.gz', z);
    total += b.length; gz += z.length;
  }
  console.log(`ui: dist/assets ${outs.join(', ')}: ${(total / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`);
}

clean();
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
