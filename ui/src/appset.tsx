// ApplicationSets (generators, generated apps, progressive sync steps)
// and AppProjects (destinations, sources, roles, sync windows).
import { enc } from './api';
import { ErrorBox, HealthBadge, KV, PhaseBadge, SyncBadge, useApi } from './components';
import { yaml } from './diff';
import { withoutEmptyTemplates } from './generators';
import { href } from './router';

const generatorKinds = (gs: any[]) => (gs || []).map(g => Object.keys(g).filter(k => k !== 'selector').join('+')).join(', ');

export function AppSetList() {
  const { data, error } = useApi<{ items: any[] }>('/api/v1/applicationsets');
  return (
    <div class="page" data-testid="appset-list">
      <h1>ApplicationSets</h1>
      <ErrorBox error={error} />
      <table class="table">
        <thead><tr><th>Name</th><th>Generators</th><th>Apps</th><th>Strategy</th></tr></thead>
        <tbody>{(data?.items || []).map(s => (
          <tr><td><a href={href('applicationsets', s.metadata.name)}>{s.metadata.name}</a></td><td>{generatorKinds(s.spec?.generators)}</td>
            <td>{(s.status?.resources || []).length}</td><td>{s.spec?.strategy?.type || 'AllAtOnce'}</td></tr>
        ))}</tbody>
      </table>
    </div>
  );
}

export function AppSetPage({ name }: { name: string }) {
  const { data: s, error } = useApi<any>(`/api/v1/applicationsets/${enc(name)}`, 5000);
  if (!s) return <div class="page"><ErrorBox error={error} /></div>;
  const steps: any[] = s.spec?.strategy?.rollingSync?.steps || [];
  const appStatus: any[] = s.status?.applicationStatus || [];
  return (
    <div class="page" data-testid="appset-page">
      <header class="pagehead"><div><a href="#/applicationsets" class="muted small">ApplicationSets</a><h1>{name}</h1></div></header>
      <ErrorBox error={error} />
      <KV rows={[
        ['Generators', generatorKinds(s.spec?.generators)],
        ['Strategy', s.spec?.strategy?.type || 'AllAtOnce'],
        ['Template', `${s.spec?.template?.metadata?.name || ''} → project ${s.spec?.template?.spec?.project || ''}`],
        ['Conditions', (s.status?.conditions || []).filter((c: any) => c.status === 'True').map((c: any) => `${c.type}: ${c.message}`).join('; ')],
      ]} />
      <h2>Generators</h2>
      <pre class="manifest">{yaml(withoutEmptyTemplates(s.spec?.generators || [])).replace(/^\n/, '')}</pre>
      {steps.length > 0 && <>
        <h2>Progressive sync</h2>
        <ol class="steps" data-testid="appset-steps">
          {steps.map((st, i) => {
            const apps = appStatus.filter(a => a.step === String(i + 1));
            return <li><b>Step {i + 1}</b> <span class="muted small">{(st.matchExpressions || []).map((e: any) => `${e.key} ${e.operator} (${(e.values || []).join(',')})`).join(', ')}{st.maxUpdate !== undefined ? ` · maxUpdate ${st.maxUpdate}` : ''}</span>
              <ul>{apps.map(a => <li><a href={href('applications', a.application)}>{a.application}</a> <PhaseBadge phase={a.status} /> <span class="muted small">{a.message}</span></li>)}</ul></li>;
          })}
        </ol>
      </>}
      <h2>Generated applications</h2>
      <table class="table" data-testid="appset-apps">
        <thead><tr><th>Application</th><th>Sync</th><th>Health</th><th>Step</th></tr></thead>
        <tbody>{(s.status?.resources || []).map((r: any) => {
          const a = appStatus.find(x => x.application === r.name);
          return <tr><td><a href={href('applications', r.name)}>{r.name}</a></td><td><SyncBadge status={r.status} /></td><td><HealthBadge status={r.health?.status} /></td><td>{a ? `${a.step} ${a.status}` : ''}</td></tr>;
        })}</tbody>
      </table>
    </div>
  );
}

export function ProjectList() {
  const { data, error } = useApi<{ items: any[] }>('/api/v1/projects');
  return (
    <div class="page" data-testid="project-list">
      <h1>Projects</h1>
      <ErrorBox error={error} />
      <table class="table">
        <thead><tr><th>Name</th><th>Description</th><th>Destinations</th><th>Sources</th></tr></thead>
        <tbody>{(data?.items || []).map(p => (
          <tr><td><a href={href('projects', p.metadata.name)}>{p.metadata.name}</a></td><td>{p.spec?.description}</td>
            <td>{(p.spec?.destinations || []).length}</td><td>{(p.spec?.sourceRepos || []).length}</td></tr>
        ))}</tbody>
      </table>
    </div>
  );
}

export function ProjectPage({ name }: { name: string }) {
  const { data: p, error } = useApi<any>(`/api/v1/projects/${enc(name)}`);
  if (!p) return <div class="page"><ErrorBox error={error} /></div>;
  const sp = p.spec || {};
  const gk = (l: any[]) => (l || []).map(x => `${x.group || 'core'}/${x.kind}`).join(', ');
  return (
    <div class="page" data-testid="project-page">
      <header class="pagehead"><div><a href="#/projects" class="muted small">Projects</a><h1>{name}</h1></div></header>
      <KV rows={[
        ['Description', sp.description],
        ['Sources', (sp.sourceRepos || []).join(', ')],
        ['Cluster resources allowed', gk(sp.clusterResourceWhitelist)],
        ['Cluster resources denied', gk(sp.clusterResourceBlacklist)],
        ['Namespaced resources denied', gk(sp.namespaceResourceBlacklist)],
        ['Orphaned resources', sp.orphanedResources ? 'monitored' : undefined],
      ]} />
      <h2>Destinations</h2>
      <table class="table"><thead><tr><th>Name</th><th>Server</th><th>Namespace</th></tr></thead>
        <tbody>{(sp.destinations || []).map((d: any) => <tr><td>{d.name}</td><td>{d.server}</td><td>{d.namespace}</td></tr>)}</tbody></table>
      <h2>Roles</h2>
      <table class="table"><thead><tr><th>Role</th><th>Policies</th><th>Groups</th><th>Tokens</th></tr></thead>
        <tbody>{(sp.roles || []).map((r: any) => <tr><td>{r.name}<div class="muted small">{r.description}</div></td>
          <td><pre class="small">{(r.policies || []).join('\n')}</pre></td><td>{(r.groups || []).join(', ')}</td><td>{(r.jwtTokens || []).length}</td></tr>)}</tbody></table>
      <h2>Sync windows</h2>
      <table class="table"><thead><tr><th>Kind</th><th>Schedule</th><th>Duration</th><th>Applies to</th><th>Manual sync</th></tr></thead>
        <tbody>{(sp.syncWindows || []).map((w: any) => <tr><td>{w.kind}</td><td><code>{w.schedule}</code> {w.timeZone}</td><td>{w.duration}</td>
          <td>{[...(w.applications || []).map((a: string) => 'apps ' + a), ...(w.namespaces || []).map((a: string) => 'ns ' + a), ...(w.clusters || []).map((a: string) => 'cluster ' + a)].join(', ')}</td>
          <td>{w.manualSync ? 'allowed' : 'no'}</td></tr>)}</tbody></table>
      {!(sp.syncWindows || []).length && <p class="muted">No sync window: syncs may run at any time.</p>}
    </div>
  );
}
