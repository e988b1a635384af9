import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines, fold, restrict, states, toText, yaml } from '../src/diff';
import { resolve, threshold, value } from '../src/chart';

test('yaml renders sorted keys, lists and quoted scalars', () => {
  assert.equal(yaml({ b: [1, { x: 'y' }], a: 'true', c: {}, d: 'two\nlines' }).trim(),
    'a: "true"\nb:\n  - 1\n  - x: y\nc: {}\nd: |\n  two\n  lines');
});

test('toText drops what the cluster owns', () => {
  const live = JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x', uid: 'u', resourceVersion: '1', managedFields: [] }, status: { a: 1 } });
  assert.equal(toText(live), 'kind: ConfigMap\nmetadata:\n  name: x');
  assert.equal(toText('null'), '');
});

test('diffLines finds the changed lines', () => {
  const d = diffLines('a\nb\nc\nd', 'a\nB\nc\nd\ne');
  assert.deepEqual(d.map(l => l.op + l.text), [' a', '-b', '+B', ' c', ' d', '+e']);
  assert.deepEqual(diffLines('', 'x').map(l => l.op + l.text), ['+x']);
});

test('fold keeps context around changes', () => {
  const a = Array.from({ length: 20 }, (_, i) => 'l' + i).join('\n');
  const b = a.replace('l10', 'L10');
  const h = fold(diffLines(a, b), 2);
  assert.deepEqual(h.map(x => 'folded' in x ? x.folded : x.lines.length), [8, 6, 7]);
});

test('restrict keeps the fields the desired state sets', () => {
  assert.deepEqual(restrict({ a: 1, b: { c: 2, d: 3 }, e: [{ f: 1, g: 2 }] }, { b: { c: 0 }, e: [{ g: 0 }] }),
    { b: { c: 2 }, e: [{ g: 2 }] });
  const s = states({ liveState: '{"data":{"k":"v"},"metadata":{"name":"x","labels":{"extra":"1"}}}', targetState: '{"data":{"k":"w"},"metadata":{"name":"x"}}' }, false);
  assert.equal(s.live, 'data:\n  k: v\nmetadata:\n  name: x');
  assert.equal(s.desired, 'data:\n  k: w\nmetadata:\n  name: x');
});

test('measurements, thresholds and arguments', () => {
  assert.equal(value('[0.998]'), 0.998);
  assert.equal(value('1e-3'), 0.001);
  assert.equal(value(''), null);
  const cond = resolve('len(result) > 0 && result[0] >= {{args.success-threshold}}', [{ name: 'success-threshold', value: '0.995' }]);
  assert.equal(cond, 'len(result) > 0 && result[0] >= 0.995');
  assert.equal(threshold(cond), 0.995);
});
