// The application page: summary, operation, conditions, and the tabs tree,
// diff, history and events; Sync, Refresh and Terminate.
import { useState } from 'preact/hooks';
import { api, enc } from './api';
import { ErrorBox, HealthBadge, KV, PhaseBadge, SyncBadge, Tabs, Time, useApi } from './components';
import { DiffTab } from './diffview';
import { Events, History } from './history';
import { go, href } from './router';
import { SyncPanel } from './sync';
import { ResourceTree } from './tree';

function Operation({ op }: { op: any }) {
  if (!op) return <span class="muted">none yet</span>;
  const rs = op.syncResult?.resources || [];
  return (
    <span data-testid="operation" data-phase={op.phase}>
      <PhaseBadge phase={op.phase} /> {op.operation?.sync?.dryRun ? '(dry run) ' : ''}{op.message}
      {' '}<span class="muted small">started <Time t={op.startedAt} />{op.finishedAt ? <> · finished <Time t={op.finishedAt} /></> : null}
        {op.operation?.initiatedBy?.username ? ' · by ' + op.operation.initiatedBy.username : op.operation?.initiatedBy?.automated ? ' · auto-sync' : ''}
        {rs.length ? ` · ${rs.length} resources` : ''}{op.syncResult?.revision ? ' · ' + op.syncResult.revision.slice(0, 7) : ''}</span>
    </span>
  );
}

export function AppPage({ name, tab: initialTab }: { name: string; tab?: string }) {
  const { data: app, error, reload } = useApi<any>(`/api/v1/applications/${enc(name)}`, 3000);
  // The tab is part of the route (#/applications/NAME/TAB), so it can be linked to.
  const tab = initialTab || 'tree';
  const setTab = (t: string) => go(href('applications', name, t));
  const [syncing, setSyncing] = useState(false);
  const [msg, setMsg] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  if (!app) return <div class="page"><ErrorBox error={error} />{!error && <p class="muted">Loading {name}…</p>}</div>;
  const spec = app.spec || {}, st = app.status || {};
  const src = spec.source || (spec.sources || [])[0] || {};
  const op = st.operationState;
  const auto = spec.syncPolicy?.automated;
  const refresh = async () => {
    setActionError(undefined);
    try { await api(`/api/v1/applications/${enc(name)}?refresh=normal`); setMsg('Refresh asked: the controller compares again.'); reload(); }
    catch (e: any) { setActionError(e.message); }
  };
  const terminate = async () => {
    setActionError(undefined);
    try { await api(`/api/v1/applications/${enc(name)}/operation`, { method: 'DELETE' }); setMsg('Terminating the operation.'); reload(); }
    catch (e: any) { setActionError(e.message); }
  };
  return (
    <div class="page" data-testid="app-page" data-name={name}>
      <header class="pagehead">
        <div><a href="#/applications" class="muted small">Applications</a><h1>{name}</h1></div>
        <div class="badges"><SyncBadge status={st.sync?.status} /><HealthBadge status={st.health?.status} /></div>
        <div class="actions">
          <button class="primary" onClick={() => setSyncing(true)} data-testid="sync-open">Sync</button>
          <button onClick={refresh} data-testid="refresh">Refresh</button>
          {op?.phase === 'Running' && <button class="danger" onClick={terminate} data-testid="terminate">Terminate</button>}
        </div>
      </header>
      <ErrorBox error={actionError || error} />
      {msg && <div class="notice">{msg}</div>}
      <section class="summary">
        <KV rows={[
          ['Project', <a href={href('projects', spec.project || 'default')}>{spec.project || 'default'}</a>],
          ['Repository', src.repoURL],
          [src.chart ? 'Chart' : 'Path', src.chart || src.path || '.'],
          ['Target revision', src.targetRevision || 'HEAD'],
          ['Synced to', <code data-testid="synced-revision">{(st.sync?.revision || '').slice(0, 12)}</code>],
          ['Destination', `${spec.destination?.name || (spec.destination?.server === 'https://kubernetes.default.svc' ? 'in-cluster' : spec.destination?.server || '')} / ${spec.destination?.namespace || ''}`],
          ['Sync policy', auto ? `automated${auto.prune ? ', prune' : ''}${auto.selfHeal ? ', self-heal' : ''}` : 'manual'],
          ['Operation', <Operation op={op} />],
          ['Reconciled', <Time t={st.reconciledAt} />],
        ]} />
        {(st.conditions || []).length > 0 && (
          <ul class="conditions" data-testid="conditions">
            {st.conditions.map((c: any) => <li class={/Error|Warning/.test(c.type) ? 'warn' : ''}><b>{c.type}</b> {c.message}</li>)}
          </ul>
        )}
      </section>
      <Tabs tabs={[['tree', 'Resources'], ['diff', 'Diff'], ['history', 'History and rollback'], ['events', 'Events']]} current={tab} onSelect={setTab} />
      {tab === 'tree' && <ResourceTree app={app} />}
      {tab === 'diff' && <DiffTab app={name} />}
      {tab === 'history' && <History app={app} onChange={reload} />}
      {tab === 'events' && <Events app={name} />}
      {syncing && <SyncPanel app={app} onClose={() => setSyncing(false)} onDone={() => { setSyncing(false); setMsg('Sync started.'); reload(); }} />}
    </div>
  );
}
