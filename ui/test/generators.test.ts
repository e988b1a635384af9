import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutEmptyTemplates } from '../src/generators';

const empty = { metadata: {}, spec: { destination: {}, project: '' } };

test('empty generator templates are left out, nested ones too', () => {
  const gens = [{ matrix: { generators: [{ list: { elements: [{ env: 'staging' }], template: empty } }], template: empty } }];
  assert.deepEqual(withoutEmptyTemplates(gens), [{ matrix: { generators: [{ list: { elements: [{ env: 'staging' }] } }] } }]);
});

test('a generator template that sets something stays', () => {
  const t = { metadata: {}, spec: { destination: {}, project: 'payments' } };
  assert.deepEqual(withoutEmptyTemplates([{ git: { repoURL: 'r', template: t } }]), [{ git: { repoURL: 'r', template: t } }]);
});
