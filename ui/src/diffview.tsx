// The diff of managed resources: live state (-) against the desired state
// from Git (+), folded around the changes.
import { useMemo, useState } from 'preact/hooks';
import { diffLines, fold, states } from './diff';
import { ErrorBox, useApi } from './components';
import { enc } from './api';

/** resourceKey names a resource: group/kind/namespace/name. */
export const resourceKey = (r: any) => `${r.group || ''}/${r.kind}/${r.namespace || ''}/${r.name}`;

export function Diff({ item, full }: { item: any; full: boolean }) {
  const s = useMemo(() => states(item, full), [item, full]);
  const lines = useMemo(() => diffLines(s.live, s.desired), [s]);
  const changed = lines.filter(l => l.op !== ' ').length;
  if (!s.hasDesired) return <pre class="manifest" data-testid="live-manifest">{s.live || '(not in the cluster)'}</pre>;
  if (!changed) return <p class="muted" data-testid="diff-none">No difference between the live and the desired state.</p>;
  return (
    <div class="diff" data-testid="diff" data-changed={changed}>
      {fold(lines).map(h => 'folded' in h
        ? <div class="fold">⋯ {h.folded} unchanged lines</div>
        : h.lines.map(l => (
          <div class={'dl ' + (l.op === '+' ? 'add' : l.op === '-' ? 'del' : '')}>
            <span class="ln">{l.a ?? ''}</span><span class="ln">{l.b ?? ''}</span><span class="op">{l.op}</span><code>{l.text}</code>
          </div>
        )))}
    </div>
  );
}

/** DiffTab shows the diff of every managed resource of an app, the
 * changed ones first. */
export function DiffTab({ app, only }: { app: string; only?: any }) {
  const q = only ? `?group=${enc(only.group || '')}&kind=${enc(only.kind)}&namespace=${enc(only.namespace || '')}&name=${enc(only.name)}` : '';
  const { data, error } = useApi<{ items: any[] }>(`/api/v1/applications/${enc(app)}/managed-resources${q}`);
  const [full, setFull] = useState(false);
  const items = useMemo(() => {
    const all = (data?.items || []).map(it => {
      const s = states(it, false);
      return { it, changed: typeof it.modified === 'boolean' ? it.modified : s.hasDesired && s.live !== s.desired };
    });
    return all.sort((a, b) => Number(b.changed) - Number(a.changed));
  }, [data]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p class="muted">Loading the diff…</p>;
  const noDesired = items.length && items.every(x => x.it.targetState === undefined && x.it.predictedLiveState === undefined);
  return (
    <div data-testid="diff-tab">
      <div class="toolbar">
        <label><input type="checkbox" checked={full} onChange={() => setFull(!full)} data-testid="diff-full" /> Whole live object (with the fields the cluster sets)</label>
        {!only && <span class="muted">{items.filter(x => x.changed).length} of {items.length} resources differ</span>}
      </div>
      {noDesired ? <p class="muted">This server does not send the desired state yet: the live state is shown.</p> : null}
      {items.map(({ it, changed }) => (
        <details open={changed || !!only} class="resource-diff" data-testid="resource-diff" data-key={resourceKey(it)}>
          <summary><span class={changed ? 'sync-OutOfSync' : 'sync-Synced'}>{changed ? '≠' : '='}</span> {it.kind} {it.namespace ? it.namespace + '/' : ''}{it.name}</summary>
          <Diff item={it} full={full} />
        </details>
      ))}
    </div>
  );
}
