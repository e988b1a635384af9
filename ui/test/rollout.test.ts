import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableActions, weights } from '../src/rollout';

const steps = [{ setWeight: 50 }, { pause: { duration: '30s' } }, { analysis: {} }];

test('a basic canary weighs what its current step set', () => {
  const ro = { spec: { strategy: { canary: { steps } } }, status: { currentStepIndex: 2, stableRS: 'a', currentPodHash: 'b' } };
  assert.deepEqual(weights(ro), { canary: 50, stable: 50 });
});

test('an aborted canary sends everything to stable', () => {
  const ro = { spec: { strategy: { canary: { steps } } }, status: { abort: true, currentStepIndex: 0, stableRS: 'a', currentPodHash: 'b' } };
  assert.deepEqual(weights(ro), { canary: 0, stable: 100 });
});

test('the actions that do something now', () => {
  const names = (ro: any) => [...availableActions(ro)].sort().join(',');
  assert.equal(names({ spec: {}, status: { stableRS: 'a', currentPodHash: 'a' } }), '', 'a settled Rollout');
  assert.equal(names({ spec: {}, status: { stableRS: 'a', currentPodHash: 'b' } }), 'abort,pause,promote,promote-full', 'an update under way');
  assert.equal(names({ spec: { paused: true }, status: { stableRS: 'a', currentPodHash: 'b', pauseConditions: [{ reason: 'CanaryPauseStep' }] } }),
    'abort,promote,promote-full,resume', 'paused at a step');
  assert.equal(names({ spec: {}, status: { abort: true, stableRS: 'a', currentPodHash: 'b' } }), 'retry', 'aborted');
});
