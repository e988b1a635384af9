import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, emptyFilters, matcher, parseSelector, toRow } from '../src/filter';

const app = (name: string, project: string, sync: string, health: string, labels: Record<string, string> = {}) =>
  toRow({ metadata: { name, labels }, spec: { project, destination: { server: 'https://kubernetes.default.svc', namespace: name } },
    status: { sync: { status: sync }, health: { status: health } } });

const rows = [
  app('api-prod', 'prod', 'Synced', 'Healthy', { team: 'a', env: 'prod' }),
  app('api-stage', 'stage', 'OutOfSync', 'Healthy', { team: 'a', env: 'stage' }),
  app('web-prod', 'prod', 'Synced', 'Degraded', { team: 'b', env: 'prod' }),
  app('web-stage', 'stage', 'Synced', 'Progressing', { team: 'b' }),
];

test('toRow names the in-cluster destination', () => {
  assert.equal(rows[0].cluster, 'in-cluster');
});

test('label selectors', () => {
  const cases: [string, string[]][] = [
    ['team=a', ['api-prod', 'api-stage']],
    ['team==b,env=prod', ['web-prod']],
    ['env!=prod', ['api-stage', 'web-stage']],
    ['env', ['api-prod', 'api-stage', 'web-prod']],
    ['!env', ['web-stage']],
    ['env in (prod, stage),team notin (a)', ['web-prod']],
  ];
  for (const [sel, want] of cases) {
    const f = { ...emptyFilters(), selector: sel };
    assert.deepEqual(rows.filter(matcher(f)).map(r => r.name), want, sel);
  }
  assert.throws(() => parseSelector('team=(a'));
});

test('search, facets and their counts', () => {
  const f = { ...emptyFilters(), search: 'PROD', sync: new Set(['Synced']) };
  assert.deepEqual(rows.filter(matcher(f)).map(r => r.name), ['api-prod', 'web-prod']);
  // Counts of a facet leave that facet's own choice out.
  assert.deepEqual([...counts(rows, f, 'sync')].sort(), [['Synced', 2]]);
  assert.deepEqual([...counts(rows, { ...emptyFilters(), search: 'stage' }, 'sync')].sort(), [['OutOfSync', 1], ['Synced', 1]]);
  assert.deepEqual([...counts(rows, f, 'health')].sort(), [['Degraded', 1], ['Healthy', 1]]);
});
