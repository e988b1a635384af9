// Runs the unit tests of the UI's pure logic (test/*.test.ts) with node's
// test runner, each bundled first by esbuild (node runs no TypeScript).
import * as esbuild from 'esbuild';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'tiphys-ui-test-'));
const tests = readdirSync(here).filter(f => f.endsWith('.test.ts'));
await esbuild.build({ entryPoints: tests.map(f => join(here, f)), bundle: true, platform: 'node', format: 'esm', outdir: out,
  outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
const r = spawnSync(process.execPath, ['--test', ...tests.map(f => join(out, f.replace(/\.ts$/, '.mjs')))], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true });
process.exit(r.status ?? 1);
