// An app's deployment history, with a one-click rollback per entry, and
// its Kubernetes Events.
import { useState } from 'preact/hooks';
import { api, enc } from './api';
import { ErrorBox, Time, useApi } from './components';

const short = (s?: string) => (s || '').length === 40 ? s!.slice(0, 7) : s || '';

export function History({ app, onChange }: { app: any; onChange: () => void }) {
  const history: any[] = [...(app.status?.history || [])].reverse();
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const rollback = async (id: number) => {
    setBusy(true); setError(undefined); setDone(undefined);
    try {
      await api(`/api/v1/applications/${enc(app.metadata.name)}/rollback`, { method: 'POST', body: { id, prune: false, dryRun: false, ...(reason ? { reason } : {}) } });
      setDone(`Rolling back to history ${id}: the old revision is applied and a revert commit goes to Git.`);
      setConfirm(null);
      onChange();
    } catch (e: any) { setError(e.message); }
    setBusy(false);
  };
  if (!history.length) return <p class="muted">No deployment yet.</p>;
  return (
    <div data-testid="history">
      <ErrorBox error={error} />
      {done && <div class="notice" data-testid="rollback-started">{done}</div>}
      <table class="table">
        <thead><tr><th>ID</th><th>Revision</th><th>Deployed</th><th>Source</th><th>By</th><th></th></tr></thead>
        <tbody>
          {history.map((h, i) => (
            <tr data-testid="history-row" data-id={h.id} data-revision={h.revision}>
              <td>{h.id}</td>
              <td><code title={h.revision || (h.revisions || []).join(', ')}>{short(h.revision || (h.revisions || [])[0])}</code>{i === 0 ? <span class="tag">current</span> : null}</td>
              <td><Time t={h.deployedAt} /></td>
              <td class="muted small">{h.source?.path || h.source?.chart || ''}</td>
              <td class="muted small">{h.initiatedBy?.username || (h.initiatedBy?.automated ? 'auto-sync' : '')}</td>
              <td>{i === 0 ? null : confirm === h.id
                ? <span class="confirm">Roll back to {short(h.revision)}?{' '}
                  <input class="reason" placeholder="Reason (in the revert commit)" value={reason} data-testid="rollback-reason"
                    onInput={e => setReason((e.target as HTMLInputElement).value)} />{' '}
                  <button class="danger" disabled={busy} onClick={() => rollback(h.id)} data-testid="rollback-confirm">Roll back</button>{' '}
                  <button onClick={() => setConfirm(null)}>Cancel</button></span>
                : <button onClick={() => setConfirm(h.id)} data-testid="rollback">Rollback</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Events({ app }: { app: string }) {
  const { data, error } = useApi<{ items: any[] }>(`/api/v1/applications/${enc(app)}/events`, 10000);
  const items = [...(data?.items || [])].reverse();
  return (
    <div data-testid="events">
      <ErrorBox error={error} />
      {data && !items.length && <p class="muted">No events.</p>}
      {items.length > 0 && (
        <table class="table">
          <thead><tr><th>Type</th><th>Reason</th><th>Message</th><th>Count</th><th>Last seen</th></tr></thead>
          <tbody>{items.map(e => (
            <tr class={e.type === 'Warning' ? 'warn' : ''}>
              <td>{e.type}</td><td>{e.reason}</td><td>{e.message}</td><td>{e.count || 1}</td>
              <td><Time t={e.lastTimestamp || e.eventTime || e.metadata?.creationTimestamp} /></td>
            </tr>))}
          </tbody>
        </table>
      )}
    </div>
  );
}
