// The application list: one GET of every app, kept current by the
// application stream, filtered in memory and drawn as a virtual list (only
// the rows in view are in the DOM), so 10 000 apps stay instant.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, onSessionEnd } from './api';
import { ErrorBox, HealthBadge, SyncBadge } from './components';
import { counts, emptyFilters, Facet, Filters, matcher, parseSelector, Row, toRow } from './filter';
import { go, href } from './router';

const rowHeight = 34;
const overscan = 8;
const syncValues = ['Synced', 'OutOfSync', 'Unknown'];
const healthValues = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
// Argo CD's projection of the list: what toRow reads, a fraction of each app.
const listFields = ['metadata.name', 'metadata.labels', 'spec', 'status.sync', 'status.health', 'status.operationState.phase'].map(f => 'items.' + f).join(',');

// Kept across visits of the page: the last list and the filters.
let cache: Map<string, Row> | null = null;
let saved: Filters = emptyFilters();
let savedScroll = 0;
onSessionEnd(() => { cache = null; saved = emptyFilters(); savedScroll = 0; });

/** useApplications loads the apps once and applies the stream's events. */
function useApplications(): { rows: Row[]; error?: string; loaded: boolean } {
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const apps = useRef<Map<string, Row>>(cache || new Map());
  useEffect(() => {
    let live = true, es: EventSource | null = null, dirty = false;
    const flush = setInterval(() => { if (dirty) { dirty = false; setVersion(v => v + 1); } }, 400);
    (async () => {
      try {
        const list = await api<{ items: any[] | null }>('/api/v1/applications?fields=' + encodeURIComponent(listFields));
        if (!live) return;
        const m = new Map<string, Row>();
        for (const a of list.items || []) m.set(a.metadata.name, toRow(a));
        apps.current = cache = m;
        setVersion(v => v + 1);
      } catch (e: any) { if (live) setError(e.message); return; }
      es = new EventSource('/api/v1/stream/applications');
      es.onmessage = ev => {
        try {
          const r = JSON.parse(ev.data).result;
          const a = r.application, name = a?.metadata?.name;
          if (!name) return;
          if (r.type === 'DELETED') apps.current.delete(name); else apps.current.set(name, toRow(a));
          dirty = true;
        } catch { /* a keep-alive or a malformed event */ }
      };
    })();
    return () => { live = false; clearInterval(flush); es?.close(); };
  }, []);
  const rows = useMemo(() => [...apps.current.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0), [version]);
  return { rows, error, loaded: cache !== null };
}

function FacetBox({ title, facet, values, filters, setFilters, rows }: {
  title: string; facet: Facet; values: string[]; filters: Filters; setFilters: (f: Filters) => void; rows: Row[];
}) {
  const c = useMemo(() => counts(rows, filters, facet), [rows, filters, facet]);
  const all = [...new Set([...values, ...c.keys()])].filter(v => values.includes(v) || c.get(v));
  const set = filters[facet];
  const toggle = (v: string) => {
    const next = new Set(set);
    if (next.has(v)) next.delete(v); else next.add(v);
    setFilters({ ...filters, [facet]: next });
  };
  return (
    <fieldset class="facet" data-testid={'facet-' + facet}>
      <legend>{title}</legend>
      {all.map(v => (
        <label class={c.get(v) ? '' : 'muted'}>
          <input type="checkbox" checked={set.has(v)} onChange={() => toggle(v)} data-testid={`filter-${facet}-${v}`} />
          <span>{v}</span><span class="count" data-testid={`count-${facet}-${v}`}>{c.get(v) || 0}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function AppList() {
  const { rows, error, loaded } = useApplications();
  const [filters, setFiltersState] = useState<Filters>(saved);
  const setFilters = (f: Filters) => { saved = f; setFiltersState(f); setSelected(0); };
  const [selected, setSelected] = useState(0);
  const [scroll, setScroll] = useState(savedScroll);
  const [height, setHeight] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);

  const shown = useMemo(() => rows.filter(matcher(filters)), [rows, filters]);
  // The selected row stays on a shown one when the list shrinks (a stream
  // update, a filter): Enter always opens the highlighted row.
  const sel = Math.max(0, Math.min(selected, shown.length - 1));
  const projects = useMemo(() => [...new Set(rows.map(r => r.project))].sort(), [rows]);
  let selectorError = '';
  try { parseSelector(filters.selector); } catch (e: any) { selectorError = e.message; }

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.scrollTop = savedScroll;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [loaded]);

  // The first paint with rows, for the benchmark (bench/ui).
  useEffect(() => {
    if (shown.length && !performance.getEntriesByName('tiphys:list-rows').length) performance.mark('tiphys:list-rows');
  }, [shown.length]);

  // '/' focuses the search box from anywhere on the page.
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) { e.preventDefault(); search.current?.focus(); }
    };
    addEventListener('keydown', h);
    return () => removeEventListener('keydown', h);
  }, []);

  const moveTo = (i: number) => {
    i = Math.max(0, Math.min(shown.length - 1, i));
    setSelected(i);
    const el = box.current;
    if (!el) return;
    if (i * rowHeight < el.scrollTop) el.scrollTop = i * rowHeight;
    else if ((i + 1) * rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = (i + 1) * rowHeight - el.clientHeight;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); moveTo(sel + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); moveTo(sel - 1); }
    else if (e.key === 'PageDown') { e.preventDefault(); moveTo(sel + Math.floor(height / rowHeight)); }
    else if (e.key === 'PageUp') { e.preventDefault(); moveTo(sel - Math.floor(height / rowHeight)); }
    else if (e.key === 'Enter' && shown[sel]) { e.preventDefault(); go(href('applications', shown[sel].name)); }
    else if (e.key === 'Escape' && (e.target as HTMLElement) === search.current) { setFilters({ ...filters, search: '' }); }
  };

  const first = Math.max(0, Math.floor(scroll / rowHeight) - overscan);
  const last = Math.min(shown.length, Math.ceil((scroll + height) / rowHeight) + overscan);
  const visible = shown.slice(first, last);
  const clear = () => setFilters(emptyFilters());
  const any = filters.search || filters.selector || filters.projects.size || filters.sync.size || filters.health.size;

  return (
    <div class="applist" onKeyDown={onKey}>
      <aside class="filters">
        <input ref={search} type="search" placeholder="Search apps  ( / )" value={filters.search} data-testid="search"
          aria-label="Search applications by name"
          onInput={e => setFilters({ ...filters, search: (e.target as HTMLInputElement).value })} />
        <FacetBox title="Sync status" facet="sync" values={syncValues} filters={filters} setFilters={setFilters} rows={rows} />
        <FacetBox title="Health status" facet="health" values={healthValues} filters={filters} setFilters={setFilters} rows={rows} />
        <FacetBox title="Project" facet="projects" values={projects} filters={filters} setFilters={setFilters} rows={rows} />
        <label class="selector">Labels
          <input type="text" placeholder="team=payments,env!=prod" value={filters.selector} data-testid="selector"
            onInput={e => setFilters({ ...filters, selector: (e.target as HTMLInputElement).value })} />
        </label>
        {selectorError && <div class="error small">{selectorError}</div>}
        {any ? <button class="link" onClick={clear} data-testid="clear-filters">Clear filters</button> : null}
      </aside>
      <section class="listpane">
        <div class="listhead">
          <span data-testid="app-count" data-count={shown.length} data-total={rows.length}>
            {loaded ? `${shown.length} of ${rows.length} applications` : 'Loading applications…'}
          </span>
        </div>
        <ErrorBox error={error} />
        <div class="row header" aria-hidden="true">
          <span>Name</span><span>Project</span><span>Sync</span><span>Health</span><span>Destination</span><span>Source</span>
        </div>
        <div class="vlist" ref={box} tabIndex={0} data-testid="app-list" role="listbox" aria-label="Applications"
          onScroll={e => { const t = (e.target as HTMLElement).scrollTop; savedScroll = t; setScroll(t); }}>
          <div style={{ height: shown.length * rowHeight + 'px', position: 'relative' }}>
            {visible.map((r, k) => {
              const i = first + k;
              return (
                <a class={'row' + (i === sel ? ' selected' : '')} href={href('applications', r.name)} role="option" aria-selected={i === sel}
                  style={{ top: i * rowHeight + 'px' }} data-testid="app-row" data-name={r.name} key={r.name}
                  onMouseEnter={() => setSelected(i)}>
                  <span class="name" title={r.name}>{r.name}</span>
                  <span>{r.project}</span>
                  <span><SyncBadge status={r.sync} /></span>
                  <span><HealthBadge status={r.health} /></span>
                  <span class="muted" title={r.cluster + '/' + r.namespace}>{r.cluster}/{r.namespace}</span>
                  <span class="muted" title={r.repo + ' ' + r.path}>{r.path || r.repo}</span>
                </a>
              );
            })}
          </div>
          {loaded && !shown.length && <p class="empty" data-testid="no-apps">No application matches.</p>}
        </div>
      </section>
    </div>
  );
}
