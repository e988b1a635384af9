// The Rollout view: canary steps (the current one highlighted), weights,
// pause state, ReplicaSets (stable and canary), AnalysisRuns with a chart
// per metric, and the Rollouts plugin's actions.
import { useState } from 'preact/hooks';
import { api, enc } from './api';
import { ErrorBox, HealthBadge, KV, PhaseBadge, Time, useApi } from './components';
import { MetricChart, resolve } from './chart';
import { href } from './router';

function describe(s: any): string {
  if (s.setWeight !== undefined) return `Set weight ${s.setWeight}%`;
  if (s.pause) return s.pause.duration !== undefined ? `Pause ${s.pause.duration}` : 'Pause until promoted';
  if (s.analysis) return 'Analysis ' + (s.analysis.templates || []).map((t: any) => t.templateName).join(', ');
  if (s.setCanaryScale) return 'Set canary scale ' + JSON.stringify(s.setCanaryScale);
  if (s.experiment) return 'Experiment';
  return Object.keys(s).join(', ');
}

/** weights are the canary's and stable's traffic percentages. */
export function weights(ro: any): { canary: number; stable: number } {
  const w = ro.status?.canary?.weights;
  if (w) return { canary: w.canary?.weight ?? 0, stable: w.stable?.weight ?? 100 };
  // An aborted update sends everything back to stable (and scales the
  // canary down), whatever step it stopped at.
  if (ro.status?.abort) return { canary: 0, stable: 100 };
  const steps = ro.spec?.strategy?.canary?.steps || [];
  const idx = ro.status?.currentStepIndex ?? steps.length;
  if (ro.status?.stableRS && ro.status?.stableRS === ro.status?.currentPodHash) return { canary: 0, stable: 100 };
  let c = 0;
  for (let i = 0; i < Math.min(idx + 1, steps.length); i++) if (steps[i].setWeight !== undefined) c = steps[i].setWeight;
  return { canary: c, stable: 100 - c };
}

/** availableActions are the plugin's actions that do something now:
 * promote, promote-full, pause and abort while an update is under way
 * (the pod template's hash is not the stable one, and it is not aborted),
 * promote also while paused, resume while spec.paused, retry once
 * aborted. On a settled Rollout they would do nothing. */
export function availableActions(ro: any): Set<string> {
  const st = ro.status || {};
  const updating = !st.abort && !!st.currentPodHash && !!st.stableRS && st.stableRS !== st.currentPodHash;
  const paused = !!ro.spec?.paused || (st.pauseConditions || []).length > 0;
  const out = new Set<string>();
  if (updating || paused) out.add('promote');
  if (updating) { out.add('promote-full'); out.add('abort'); }
  if (updating && !ro.spec?.paused) out.add('pause');
  if (ro.spec?.paused) out.add('resume');
  if (st.abort) out.add('retry');
  return out;
}

// The actions that skip the remaining steps and analysis (promote-full) or
// send all traffic back to stable (abort) ask first, as Argo CD's UI does.
const confirmed: Record<string, string> = { 'promote-full': 'Skip the remaining steps and analysis and promote fully?', abort: 'Abort the update and send all traffic back to stable?' };
const actions: [string, string][] = [['promote', 'Promote'], ['promote-full', 'Promote full'], ['pause', 'Pause'], ['resume', 'Resume'], ['abort', 'Abort'], ['retry', 'Retry']];

function trackedApp(ro: any): string {
  const t = ro.metadata?.annotations?.['argocd.argoproj.io/tracking-id'] || '';
  return t.split(':')[0].replace(/^.*_/, '');
}

function ReplicaSets({ ro }: { ro: any }) {
  const app = trackedApp(ro);
  const { data } = useApi<{ nodes: any[] }>(app ? `/api/v1/applications/${enc(app)}/resource-tree` : null, 4000);
  const nodes = data?.nodes || [];
  const sets = nodes.filter(n => n.kind === 'ReplicaSet' && (n.parentRefs || []).some((p: any) => p.kind === 'Rollout' && p.name === ro.metadata.name && p.namespace === ro.metadata.namespace));
  if (!app) return <p class="muted">The Rollout belongs to no application: its ReplicaSets are not read.</p>;
  const hash = (n: any) => n.name.slice(ro.metadata.name.length + 1);
  return (
    <table class="table" data-testid="replicasets">
      <thead><tr><th>ReplicaSet</th><th>Role</th><th>Revision</th><th>Pods</th><th>Health</th></tr></thead>
      <tbody>{sets.sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || '')).map(n => {
        const role = hash(n) === ro.status?.stableRS ? 'stable' : hash(n) === ro.status?.currentPodHash ? 'canary' : '';
        const pods = nodes.filter(p => p.kind === 'Pod' && (p.parentRefs || []).some((r: any) => r.uid === n.uid)).length;
        const rev = (n.info || []).find((i: any) => i.name === 'Revision')?.value || '';
        return <tr data-testid="replicaset" data-role={role}><td>{n.name}</td><td>{role && <span class={'tag ' + role}>{role}</span>}</td><td>{rev}</td><td>{pods}</td><td><HealthBadge status={n.health?.status} /></td></tr>;
      })}</tbody>
    </table>
  );
}

function AnalysisRuns({ ns, name, app }: { ns: string; name: string; app?: string }) {
  const { data, error } = useApi<{ items: any[] }>(`/api/v1/rollouts/${enc(ns)}/${enc(name)}/analysisruns${app ? '?app=' + enc(app) : ''}`, 3000);
  const runs = data?.items || [];
  return (
    <div data-testid="analysisruns">
      <ErrorBox error={error} />
      {data && !runs.length && <p class="muted">No AnalysisRun.</p>}
      {runs.slice(0, 5).map(r => (
        <div class="run" data-testid="analysisrun" data-name={r.metadata.name} data-phase={r.status?.phase}>
          <h3><PhaseBadge phase={r.status?.phase} /> {r.metadata.name} <span class="muted small"><Time t={r.metadata.creationTimestamp} /></span></h3>
          {r.status?.message && <p class="muted">{r.status.message}</p>}
          <div class="metrics">
            {(r.spec?.metrics || []).map((m: any) => {
              const res = (r.status?.metricResults || []).find((x: any) => x.name === m.name) || {};
              return (
                <div class="metric" data-testid="metric" data-metric={m.name}>
                  <div><b>{m.name}</b> <PhaseBadge phase={res.phase || 'Pending'} /> <span class="muted small">
                    {res.successful || 0} ok · {res.failed || 0} failed{res.inconclusive ? ` · ${res.inconclusive} inconclusive` : ''}{res.error ? ` · ${res.error} errors` : ''}
                    {m.count !== undefined ? ` · of ${m.count}` : ''}{m.interval ? ` every ${m.interval}` : ''}</span></div>
                  <MetricChart measurements={res.measurements || []} successCondition={resolve(m.successCondition, r.spec?.args)} />
                  <div class="muted small"><code>{resolve(m.successCondition, r.spec?.args)}</code></div>
                </div>
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}

/** rolloutLink is the Rollout view's address; the app, when known, tells
 * the server which cluster to read when two have that namespace and name. */
export function rolloutLink(ns: string, name: string, app?: string): string {
  return app ? href('rollouts', ns, name, app) : href('rollouts', ns, name);
}

export function RolloutPage({ ns, name, app: appHint }: { ns: string; name: string; app?: string }) {
  const path = `/api/v1/rollouts/${enc(ns)}/${enc(name)}`;
  const q = appHint ? `?app=${enc(appHint)}` : '';
  const { data: ro, error, reload } = useApi<any>(path + q, 2000);
  const [actionError, setActionError] = useState<string>();
  const [asking, setAsking] = useState<string>();
  const act = async (a: string) => {
    setAsking(undefined);
    setActionError(undefined);
    try { await api(`${path}/${a}${q}`, { method: 'POST' }); reload(); } catch (e: any) { setActionError(e.message); }
  };
  if (!ro) return <div class="page"><ErrorBox error={error} />{!error && <p class="muted">Loading…</p>}</div>;
  const st = ro.status || {};
  const steps: any[] = ro.spec?.strategy?.canary?.steps || [];
  // An aborted update has no current step: it went back to stable.
  const idx = st.abort ? -1 : st.currentStepIndex ?? steps.length;
  const w = weights(ro);
  const image = (ro.spec?.template?.spec?.containers || []).map((c: any) => c.image).join(', ');
  const app = trackedApp(ro);
  const available = availableActions(ro);
  return (
    <div class="page" data-testid="rollout-page" data-phase={st.phase}>
      <header class="pagehead">
        <div><a href="#/rollouts" class="muted small">Rollouts</a><h1>{name}</h1></div>
        <div class="badges"><PhaseBadge phase={st.phase} />{st.abort && <span class="tag warn">aborted</span>}</div>
        <div class="actions">
          {asking
            ? <span class="confirm" data-testid="action-confirm">{confirmed[asking]}{' '}
              <button class={asking === 'abort' ? 'danger' : 'primary'} onClick={() => act(asking)} data-testid={'action-' + asking + '-confirm'}>{actions.find(x => x[0] === asking)![1]}</button>{' '}
              <button onClick={() => setAsking(undefined)}>Cancel</button></span>
            : actions.map(([a, label]) => <button onClick={() => confirmed[a] ? setAsking(a) : act(a)} data-testid={'action-' + a}
              disabled={!available.has(a)} title={available.has(a) ? undefined : 'Nothing to do: no update is under way'}
              class={a === 'abort' ? 'danger' : a === 'promote' ? 'primary' : ''}>{label}</button>)}
        </div>
      </header>
      <ErrorBox error={actionError || error} />
      <section class="summary">
        <KV rows={[
          ['Namespace', ns],
          ['Application', app ? <a href={href('applications', app)}>{app}</a> : undefined],
          [st.abort ? 'Image (spec; aborted: stable runs the previous one)' : 'Image', image],
          ['Message', st.message],
          ['Replicas', `${st.readyReplicas || 0} ready / ${st.replicas || 0} (${st.updatedReplicas || 0} updated)`],
          ['Paused', (st.pauseConditions || []).length ? st.pauseConditions.map((p: any) => <span data-testid="pause">{p.reason} <Time t={p.startTime} /> </span>) : ro.spec?.paused ? 'paused' : 'no'],
        ]} />
        <div class="weights" data-testid="weights" data-canary={w.canary}>
          <div class="bar"><span class="canary" style={{ width: w.canary + '%' }} /><span class="stable" style={{ width: w.stable + '%' }} /></div>
          <span>canary {w.canary}% · stable {w.stable}%</span>
        </div>
      </section>
      <div class="cols">
        <section>
          <h2>Steps</h2>
          <ol class="steps" data-testid="steps" data-current={idx}>
            {steps.map((s, i) => (
              <li class={i < idx ? 'done' : i === idx ? 'current' : ''} data-testid="step" data-current={i === idx ? 'true' : undefined}>
                <span class="stepmark">{i < idx ? '✓' : i === idx ? '▶' : i + 1}</span> {describe(s)}
              </li>
            ))}
            {!steps.length && <li class="muted">No canary steps.</li>}
          </ol>
        </section>
        <section>
          <h2>ReplicaSets</h2>
          <ReplicaSets ro={ro} />
        </section>
      </div>
      <h2>Analysis</h2>
      <AnalysisRuns ns={ns} name={name} app={appHint} />
    </div>
  );
}

export function RolloutList() {
  const { data, error } = useApi<{ items: any[] }>('/api/v1/rollouts', 5000);
  return (
    <div class="page" data-testid="rollout-list">
      <h1>Rollouts</h1>
      <ErrorBox error={error} />
      <table class="table">
        <thead><tr><th>Namespace</th><th>Name</th><th>Phase</th><th>Step</th><th>Message</th></tr></thead>
        <tbody>{(data?.items || []).map(r => (
          <tr><td>{r.metadata.namespace}</td><td><a href={rolloutLink(r.metadata.namespace, r.metadata.name, trackedApp(r))} data-testid="rollout-link">{r.metadata.name}</a></td>
            <td><PhaseBadge phase={r.status?.phase} /></td>
            <td>{r.status?.currentStepIndex ?? ''}/{(r.spec?.strategy?.canary?.steps || []).length}</td><td class="muted small">{r.status?.message}</td></tr>
        ))}</tbody>
      </table>
    </div>
  );
}
