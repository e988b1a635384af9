// Small shared pieces: status badges, times, panels, data loading.
import { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';

const healthIcons: Record<string, string> = {
  Healthy: '♥', Progressing: '◔', Degraded: '✖', Suspended: '‖', Missing: '?', Unknown: '·',
};

/** HealthBadge shows a health status (Healthy, Progressing, Degraded, Suspended, Missing, Unknown). */
export function HealthBadge({ status }: { status?: string }) {
  const s = status || 'Unknown';
  return <span class={'badge health-' + s} data-testid="health" title={'Health: ' + s}>{healthIcons[s] || '·'} {s}</span>;
}

/** SyncBadge shows a sync status (Synced, OutOfSync, Unknown). */
export function SyncBadge({ status }: { status?: string }) {
  const s = status || 'Unknown';
  return <span class={'badge sync-' + s} data-testid="sync" title={'Sync: ' + s}>{s === 'Synced' ? '✓' : s === 'OutOfSync' ? '↻' : '·'} {s}</span>;
}

/** PhaseBadge shows an operation, rollout or analysis phase. */
export function PhaseBadge({ phase }: { phase?: string }) {
  const p = phase || 'Unknown';
  return <span class={'badge phase-' + p} data-testid="phase">{p}</span>;
}

/** ago is a short relative time ("5m ago") of an RFC 3339 time. */
export function ago(t?: string): string {
  if (!t) return '';
  const s = Math.round((Date.now() - Date.parse(t)) / 1000);
  if (isNaN(s)) return '';
  if (s < 60) return `${Math.max(s, 0)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function Time({ t }: { t?: string }) {
  return t ? <time dateTime={t} title={new Date(t).toLocaleString()}>{ago(t)}</time> : <span class="muted">—</span>;
}

/** useEscape calls f when Escape is pressed. */
export function useEscape(f: () => void) {
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => {
    const h = (e: KeyboardEvent) => { if (e.key === 'Escape') ref.current(); };
    addEventListener('keydown', h);
    return () => removeEventListener('keydown', h);
  }, []);
}

/** Panel is a side panel; Escape or its ✕ closes it. */
export function Panel({ title, onClose, children, testid }: { title: ComponentChildren; onClose: () => void; children: ComponentChildren; testid?: string }) {
  useEscape(onClose);
  return (
    <div class="panel" data-testid={testid || 'panel'} role="dialog" aria-label={typeof title === 'string' ? title : undefined}>
      <header><h2>{title}</h2><button class="icon" onClick={onClose} aria-label="Close" data-testid="panel-close">✕</button></header>
      <div class="panel-body">{children}</div>
    </div>
  );
}

/** Loaded is what useApi returns: the data, an error, and a reload. */
export interface Loaded<T> { data?: T; error?: string; loading: boolean; reload: () => void }

/** useApi loads path, again every pollMs when set, and on reload. */
export function useApi<T = any>(path: string | null, pollMs = 0): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    let timer: number | undefined;
    const load = async () => {
      try {
        const data = await api<T>(path);
        if (live) setState({ data, loading: false });
      } catch (e: any) {
        if (live) setState(s => ({ ...s, error: e.message, loading: false }));
      }
      if (live && pollMs) timer = setTimeout(load, pollMs) as unknown as number;
    };
    load();
    return () => { live = false; clearTimeout(timer); };
  }, [path, pollMs, n]);
  const reload = useCallback(() => setN(x => x + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error }: { error?: string }) {
  return error ? <div class="error" role="alert" data-testid="error">{error}</div> : null;
}

/** Tabs switch between the sections of a page. */
export function Tabs({ tabs, current, onSelect }: { tabs: [string, string][]; current: string; onSelect: (id: string) => void }) {
  return (
    <nav class="tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button role="tab" aria-selected={current === id} class={current === id ? 'active' : ''} data-testid={'tab-' + id} onClick={() => onSelect(id)}>{label}</button>
      ))}
    </nav>
  );
}

/** KV is a definition list of label → value rows. */
export function KV({ rows }: { rows: [string, ComponentChildren][] }) {
  return <dl class="kv">{rows.filter(r => r[1] !== undefined && r[1] !== '').map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>;
}
