// The resource tree of an app: the resources Git declares (with their sync
// status, wave and hook flag) and, under each, what they own in the cluster
// (ReplicaSets, Pods, …), indented.
import { useMemo, useState } from 'preact/hooks';
import { enc } from './api';
import { ErrorBox, HealthBadge, KV, Panel, SyncBadge, Tabs, Time, useApi } from './components';
import { DiffTab, resourceKey } from './diffview';
import { rolloutLink } from './rollout';

interface Item { key: string; node?: any; res?: any; children: Item[]; depth: number }

/** buildTree nests the tree's nodes under the app's resources. */
export function buildTree(resources: any[], nodes: any[]): Item[] {
  const byKey = new Map<string, any>(), byUID = new Map<string, Item>();
  for (const n of nodes) byKey.set(resourceKey(n), n);
  const items = new Map<string, Item>();
  const item = (n: any): Item => {
    let it = byUID.get(n.uid);
    if (!it) { it = { key: resourceKey(n), node: n, children: [], depth: 0 }; byUID.set(n.uid, it); items.set(it.key, it); }
    return it;
  };
  const roots: Item[] = resources.map(r => {
    const n = byKey.get(resourceKey(r));
    const it = n ? item(n) : { key: resourceKey(r), children: [], depth: 0 };
    it.res = r;
    return it;
  });
  for (const n of nodes) {
    const it = item(n);
    if (it.res) continue;
    const parent = (n.parentRefs || []).map((p: any) => byUID.get(p.uid) || items.get(resourceKey(p)) || (byKey.get(resourceKey(p)) && item(byKey.get(resourceKey(p))))).find(Boolean);
    if (parent) parent.children.push(it); else roots.push(it);
  }
  const out: Item[] = [];
  const walk = (it: Item, depth: number) => {
    it.depth = depth;
    out.push(it);
    it.children.sort((a, b) => a.key < b.key ? -1 : 1).forEach(c => walk(c, depth + 1));
  };
  roots.forEach(r => walk(r, 0));
  return out;
}

function info(n: any): string {
  return (n?.info || []).map((i: any) => `${i.name}: ${i.value}`).join(' · ');
}

export function ResourceTree({ app }: { app: any }) {
  const name = app.metadata.name;
  const { data, error } = useApi<{ nodes: any[] }>(`/api/v1/applications/${enc(name)}/resource-tree`, 5000);
  const [sel, setSel] = useState<Item | null>(null);
  const items = useMemo(() => buildTree(app.status?.resources || [], data?.nodes || []), [app, data]);
  return (
    <div class="tree" data-testid="resource-tree">
      <ErrorBox error={error} />
      <div class="trow thead"><span>Resource</span><span>Sync</span><span>Health</span><span>Wave</span><span>Info</span></div>
      {items.map(it => {
        const n = it.node || it.res;
        const health = it.node?.health?.status || it.res?.health?.status || (it.node ? '' : 'Missing');
        return (
          <button class={'trow' + (sel?.key === it.key ? ' selected' : '')} data-testid="tree-node" data-kind={n.kind} data-name={n.name}
            onClick={() => setSel(it)} style={{ paddingLeft: 8 + it.depth * 22 + 'px' }}>
            <span class="res"><span class="kind">{n.kind}</span> {n.namespace ? <span class="muted">{n.namespace}/</span> : null}{n.name}
              {it.res?.hook ? <span class="tag">hook</span> : null}
              {it.res?.requiresPruning ? <span class="tag warn">prune</span> : null}</span>
            <span>{it.res ? <SyncBadge status={it.res.status} /> : null}</span>
            <span>{health ? <HealthBadge status={health} /> : null}</span>
            <span class="muted">{it.res?.syncWave ?? ''}</span>
            <span class="muted small">{info(it.node)}</span>
          </button>
        );
      })}
      {!items.length && data && <p class="muted">No resources.</p>}
      {sel && <ResourcePanel app={name} item={sel} onClose={() => setSel(null)} />}
    </div>
  );
}

function ResourcePanel({ app, item, onClose }: { app: string; item: Item; onClose: () => void }) {
  const n = item.node || item.res;
  const managed = !!item.res;
  const [tab, setTab] = useState(managed ? 'diff' : 'summary');
  const health = item.node?.health || item.res?.health;
  return (
    <Panel title={`${n.kind} ${n.name}`} onClose={onClose} testid="resource-panel">
      <Tabs tabs={managed ? [['diff', 'Diff'], ['summary', 'Summary']] : [['summary', 'Summary']]} current={tab} onSelect={setTab} />
      {tab === 'summary' && (
        <KV rows={[
          ['Kind', `${n.group ? n.group + '/' : ''}${n.kind}`],
          ['Namespace', n.namespace], ['Name', n.name],
          ['Sync', item.res ? <SyncBadge status={item.res.status} /> : undefined],
          ['Health', health ? <><HealthBadge status={health.status} /> {health.message}</> : undefined],
          ['Created', item.node?.createdAt ? <Time t={item.node.createdAt} /> : undefined],
          ['Info', info(item.node)],
          ['Images', (item.node?.images || []).join(', ')],
          ['Rollout', n.kind === 'Rollout' ? <a href={rolloutLink(n.namespace, n.name, app)} data-testid="open-rollout">Open the Rollout view</a> : undefined],
        ]} />
      )}
      {tab === 'diff' && <DiffTab app={app} only={n} />}
    </Panel>
  );
}
