import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weights } from '../src/rollout';

const steps = [{ setWeight: 50 }, { pause: { duration: '30s' } }, { analysis: {} }];

test('a basic canary weighs what its current step set', () => {
  const ro = { spec: { strategy: { canary: { steps } } }, status: { currentStepIndex: 2, stableRS: 'a', currentPodHash: 'b' } };
  assert.deepEqual(weights(ro), { canary: 50, stable: 50 });
});

test('an aborted canary sends everything to stable', () => {
  const ro = { spec: { strategy: { canary: { steps } } }, status: { abort: true, currentStepIndex: 0, stableRS: 'a', currentPodHash: 'b' } };
  assert.deepEqual(weights(ro), { canary: 0, stable: 100 });
});
