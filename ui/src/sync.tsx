// The Sync panel: Argo CD's sync options, and which resources to sync.
import { useState } from 'preact/hooks';
import { api, enc } from './api';
import { ErrorBox, Panel, SyncBadge } from './components';
import { resourceKey } from './diffview';

const options: [string, string][] = [
  ['ServerSideApply=true', 'Server-side apply'],
  ['CreateNamespace=true', 'Create the namespace'],
  ['ApplyOutOfSyncOnly=true', 'Apply out-of-sync resources only'],
  ['PruneLast=true', 'Prune last'],
  ['Replace=true', 'Replace'],
  ['Validate=false', 'Skip schema validation'],
];

/** syncRequest is the body of POST …/sync (Argo CD's ApplicationSyncRequest). */
export function syncRequest(o: { revision: string; prune: boolean; dryRun: boolean; force: boolean; items: string[]; resources?: any[] }) {
  const body: any = { prune: o.prune, dryRun: o.dryRun };
  if (o.revision) body.revision = o.revision;
  if (o.force) body.strategy = { apply: { force: true } };
  if (o.items.length) body.syncOptions = { items: o.items };
  if (o.resources) body.resources = o.resources.map(r => ({ group: r.group || '', kind: r.kind, namespace: r.namespace || '', name: r.name }));
  return body;
}

export function SyncPanel({ app, onClose, onDone }: { app: any; onClose: () => void; onDone: () => void }) {
  const resources: any[] = (app.status?.resources || []).filter((r: any) => !r.hook);
  const [revision, setRevision] = useState(app.spec?.source?.targetRevision || '');
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [force, setForce] = useState(false);
  const [items, setItems] = useState<string[]>(app.spec?.syncPolicy?.syncOptions || []);
  const [selected, setSelected] = useState<Set<string>>(new Set(resources.map(resourceKey)));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const toggle = (set: Set<string>, k: string) => { const n = new Set(set); if (n.has(k)) n.delete(k); else n.add(k); return n; };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    const all = selected.size === resources.length;
    try {
      await api(`/api/v1/applications/${enc(app.metadata.name)}/sync`, {
        method: 'POST',
        body: syncRequest({ revision, prune, dryRun, force, items, resources: all ? undefined : resources.filter(r => selected.has(resourceKey(r))) }),
      });
      onDone();
    } catch (err: any) { setError(err.message); }
    setBusy(false);
  };
  return (
    <Panel title={`Sync ${app.metadata.name}`} onClose={onClose} testid="sync-panel">
      <form onSubmit={submit} class="form">
        <label>Revision <input value={revision} onInput={e => setRevision((e.target as HTMLInputElement).value)} data-testid="sync-revision" placeholder="HEAD" /></label>
        <fieldset><legend>Options</legend>
          <label><input type="checkbox" checked={prune} onChange={() => setPrune(!prune)} data-testid="sync-prune" /> Prune (delete resources no longer in Git)</label>
          <label><input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} data-testid="sync-dry-run" /> Dry run</label>
          <label><input type="checkbox" checked={force} onChange={() => setForce(!force)} data-testid="sync-force" /> Force (delete and re-create what cannot be patched)</label>
          {options.map(([v, label]) => (
            <label><input type="checkbox" checked={items.includes(v)} data-testid={'sync-option-' + v.split('=')[0]}
              onChange={() => setItems(items.includes(v) ? items.filter(x => x !== v) : [...items, v])} /> {label} <code class="muted">{v}</code></label>
          ))}
        </fieldset>
        <fieldset><legend>Resources ({selected.size} of {resources.length})
          <button type="button" class="link" onClick={() => setSelected(selected.size ? new Set() : new Set(resources.map(resourceKey)))}>{selected.size ? 'none' : 'all'}</button></legend>
          <div class="reslist">
            {resources.map(r => (
              <label><input type="checkbox" checked={selected.has(resourceKey(r))} onChange={() => setSelected(toggle(selected, resourceKey(r)))} />
                {' '}<SyncBadge status={r.status} /> {r.kind} {r.namespace ? r.namespace + '/' : ''}{r.name}</label>
            ))}
          </div>
        </fieldset>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || (!selected.size && resources.length > 0)} data-testid="sync-submit">{dryRun ? 'Dry run' : 'Synchronize'}</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Panel>
  );
}
