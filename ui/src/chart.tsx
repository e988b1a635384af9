// A small SVG line chart of an analysis metric's measurements, each point
// coloured by its phase, with the threshold of the success condition when
// it compares with a number.

/** value reads the number of a measurement ("0.998", "[0.998]", "[[1 0.97]]"). */
export function value(v?: string): number | null {
  const m = (v || '').match(/-?\d+(\.\d+)?(e[-+]?\d+)?/i);
  return m ? Number(m[0]) : null;
}

/** resolve puts the run's arguments into a condition ({{args.name}}). */
export function resolve(cond: string | undefined, args: any[] = []): string {
  return (cond || '').replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (m, name) => args.find(a => a.name === name)?.value ?? m);
}

/** threshold is the number a condition compares the result with
 * (len(result) > 0 && result[0] >= 0.99 → 0.99). */
export function threshold(cond?: string): number | null {
  const m = (cond || '').match(/result(?:\[\d+\])?\s*(?:[<>]=?|==)\s*(-?\d+(?:\.\d+)?)/);
  return m ? Number(m[1]) : null;
}

const W = 320, H = 90, P = 8;

export function MetricChart({ measurements, successCondition }: { measurements: any[]; successCondition?: string }) {
  const pts = measurements.map(m => ({ v: value(m.value), phase: m.phase, m })).filter(p => p.v !== null) as { v: number; phase: string; m: any }[];
  const limit = threshold(successCondition);
  const vals = pts.map(p => p.v).concat(limit !== null ? [limit] : []);
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (!vals.length) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { lo -= 0.5 * (Math.abs(lo) || 1) * 0.01; hi += 0.5 * (Math.abs(hi) || 1) * 0.01; }
  const x = (i: number) => P + (pts.length > 1 ? (i * (W - 2 * P)) / (pts.length - 1) : (W - 2 * P) / 2);
  const y = (v: number) => H - P - ((v - lo) * (H - 2 * P)) / (hi - lo);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H + 14}`} width={W} height={H + 14} role="img" data-testid="metric-chart" data-points={pts.length}
      aria-label={`${pts.length} measurements`}>
      <rect x="0" y="0" width={W} height={H} class="chart-bg" />
      {limit !== null && <line x1={P} x2={W - P} y1={y(limit)} y2={y(limit)} class="chart-limit"><title>{successCondition}</title></line>}
      {pts.length > 1 && <polyline fill="none" class="chart-line" points={pts.map((p, i) => `${x(i)},${y(p.v)}`).join(' ')} />}
      {pts.map((p, i) => (
        <circle cx={x(i)} cy={y(p.v)} r="3.5" class={'pt-' + p.phase}><title>{`${p.m.value} (${p.phase}) ${p.m.finishedAt || p.m.startedAt || ''}`}</title></circle>
      ))}
      <text x={P} y={H + 11} class="chart-axis">{fmt(lo)}–{fmt(hi)}</text>
      {!pts.length && <text x={W / 2} y={H / 2} text-anchor="middle" class="chart-axis">no measurement yet</text>}
    </svg>
  );
}

const fmt = (v: number) => Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4).replace(/\.?0+$/, '');
