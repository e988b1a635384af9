import { test } from 'node:test';
import assert from 'node:assert/strict';

// A browser's localStorage and fetch, enough for src/api.ts.
const store = new Map<string, string>();
(globalThis as any).localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => { store.set(k, v); },
  removeItem: (k: string) => { store.delete(k); },
};
let answer = { status: 200, body: '{"token":"t1"}' };
(globalThis as any).fetch = async () => new Response(answer.body, { status: answer.status });

const { api, login, logout, onSessionEnd, setUnauthorizedHandler, token } = await import('../src/api');

test('logout forgets the token and what the page kept of the user', async () => {
  let ended = 0;
  onSessionEnd(() => ended++);
  await login('admin', 'pw');
  assert.equal(token(), 't1');
  answer = { status: 200, body: '{}' };
  await logout();
  assert.equal(token(), '');
  assert.equal(ended, 1);
});

test('a 401 ends the session too', async () => {
  let ended = 0, unauthorized = 0;
  onSessionEnd(() => ended++);
  setUnauthorizedHandler(() => unauthorized++);
  answer = { status: 200, body: '{"token":"t2"}' };
  await login('admin', 'pw');
  answer = { status: 401, body: '{"message":"invalid session"}' };
  await assert.rejects(api('/api/v1/applications'), /invalid session/);
  assert.equal(token(), '');
  assert.equal(ended, 1);
  assert.equal(unauthorized, 1);
});
