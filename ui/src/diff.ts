// The live diff: both states as YAML-ish text, then a line diff (longest
// common subsequence after trimming the common head and tail).

/** yaml renders a JSON value as YAML-like text, keys sorted. */
export function yaml(v: any, indent = ''): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return v.map(x => {
      const s = yaml(x, indent + '  ');
      return `\n${indent}- ` + (isBlock(x) ? s.replace(/^\n\s*/, '') : s);
    }).join('');
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (!keys.length) return '{}';
    return keys.map(k => `\n${indent}${scalarKey(k)}:` + (isBlock(v[k]) ? yaml(v[k], indent + '  ') : ' ' + yaml(v[k], indent + '  '))).join('');
  }
  if (typeof v === 'string') {
    if (v.includes('\n')) return '|\n' + v.replace(/\n$/, '').split('\n').map(l => indent + l).join('\n');
    return /^[\w./@:-][\w ./@:-]*$/.test(v) && !/^(true|false|null|yes|no|[-\d.]+)$/i.test(v) && !/[: ]$/.test(v) && !v.includes(': ') ? v : JSON.stringify(v);
  }
  return String(v);
}

function isBlock(v: any): boolean {
  return v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function scalarKey(k: string): string { return /^[\w./-]+$/.test(k) ? k : JSON.stringify(k); }

/** toText renders a state for the diff: YAML-ish, without the fields the
 * cluster owns (status, managedFields, resourceVersion, …). */
export function toText(json: string | undefined | null): string {
  if (!json || json === 'null') return '';
  let o: any;
  try { o = JSON.parse(json); } catch { return json; }
  if (!o || typeof o !== 'object') return '';
  o = structuredClone(o);
  delete o.status;
  const m = o.metadata;
  if (m) {
    for (const k of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink']) delete m[k];
    if (m.annotations) {
      delete m.annotations['kubectl.kubernetes.io/last-applied-configuration'];
      if (!Object.keys(m.annotations).length) delete m.annotations;
    }
  }
  return yaml(o).replace(/^\n/, '');
}

/** Line is one line of a diff: ' ' same, '-' only in the live state, '+' only in the desired one. */
export interface Line { op: ' ' | '-' | '+'; text: string; a?: number; b?: number }

/** diffLines returns the line diff from a to b. */
export function diffLines(a: string, b: string): Line[] {
  const x = a ? a.split('\n') : [], y = b ? b.split('\n') : [];
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail), ys = y.slice(head, y.length - tail);
  const out: Line[] = [];
  for (let i = 0; i < head; i++) out.push({ op: ' ', text: x[i], a: i + 1, b: i + 1 });
  const n = xs.length, m = ys.length;
  if (n * m > 4_000_000) {
    // Too large for the table: all of one, then all of the other.
    xs.forEach((t, i) => out.push({ op: '-', text: t, a: head + i + 1 }));
    ys.forEach((t, j) => out.push({ op: '+', text: t, b: head + j + 1 }));
  } else {
    // lcs[i][j]: the common subsequence length of xs[i:] and ys[j:].
    const lcs: Uint32Array[] = [];
    for (let i = 0; i <= n; i++) lcs.push(new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i][j] = xs[i] === ys[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && xs[i] === ys[j]) { out.push({ op: ' ', text: xs[i], a: head + i + 1, b: head + j + 1 }); i++; j++; }
      else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) { out.push({ op: '-', text: xs[i], a: head + i + 1 }); i++; }
      else { out.push({ op: '+', text: ys[j], b: head + j + 1 }); j++; }
    }
  }
  for (let k = 0; k < tail; k++) {
    const ia = x.length - tail + k, ib = y.length - tail + k;
    out.push({ op: ' ', text: x[ia], a: ia + 1, b: ib + 1 });
  }
  return out;
}

/** Hunk is a run of lines shown, or a count of unchanged lines folded away. */
export type Hunk = { lines: Line[] } | { folded: number };

/** fold keeps `context` unchanged lines around each change. */
export function fold(lines: Line[], context = 3): Hunk[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((l, i) => {
    if (l.op !== ' ') for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = 1;
  });
  const out: Hunk[] = [];
  let cur: Line[] = [], skipped = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) { out.push({ folded: skipped }); skipped = 0; }
      cur.push(l);
    } else {
      if (cur.length) { out.push({ lines: cur }); cur = []; }
      skipped++;
    }
  });
  if (cur.length) out.push({ lines: cur });
  if (skipped) out.push({ folded: skipped });
  return out;
}

/** restrict keeps of live only the fields desired also has (arrays index by
 * index): what the cluster defaults or other managers set is left out, so
 * the diff shows what Git asks for and the cluster does not have. */
export function restrict(live: any, desired: any): any {
  if (Array.isArray(live) && Array.isArray(desired)) return live.map((x, i) => i < desired.length ? restrict(x, desired[i]) : x);
  if (live && desired && typeof live === 'object' && typeof desired === 'object' && !Array.isArray(live) && !Array.isArray(desired)) {
    const o: any = {};
    for (const k of Object.keys(live)) if (k in desired) o[k] = restrict(live[k], desired[k]);
    return o;
  }
  return live;
}

/** States are the two texts a resource's diff compares. */
export interface States { live: string; desired: string; hasDesired: boolean }

/** states picks the pair of a managed resource to compare: the normalized
 * and predicted states when the server gives them, else the live and target
 * states, the live one restricted to the target's fields unless full. */
export function states(item: any, full: boolean): States {
  if (item.normalizedLiveState !== undefined && item.predictedLiveState !== undefined)
    return { live: toText(item.normalizedLiveState), desired: toText(item.predictedLiveState), hasDesired: true };
  if (item.targetState === undefined) return { live: toText(item.liveState), desired: '', hasDesired: false };
  let live = item.liveState;
  if (!full) {
    try {
      const l = JSON.parse(live || 'null'), t = JSON.parse(item.targetState || 'null');
      if (l && t) live = JSON.stringify(restrict(l, t));
    } catch { /* keep it whole */ }
  }
  return { live: toText(live), desired: toText(item.targetState), hasDesired: true };
}
