// The API client: Argo CD's REST paths on the same origin, the session
// token as a Bearer header (the server also sets it as the argocd.token
// cookie, which EventSource sends).

const tokenKey = 'tiphys.token';

/** ApiError is a failed call: the HTTP status and the server's message. */
export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

let onUnauthorized: () => void = () => {};

/** setUnauthorizedHandler sets what happens when a call answers 401. */
export function setUnauthorizedHandler(f: () => void) { onUnauthorized = f; }

const sessionEnd: (() => void)[] = [];

/** onSessionEnd registers f to forget what the page kept of the user (a
 * list, filters) when the session ends, by logout or a 401: the next user
 * who signs in on the same page never sees it. */
export function onSessionEnd(f: () => void) { sessionEnd.push(f); }

function endSession() {
  localStorage.removeItem(tokenKey);
  for (const f of sessionEnd) f();
}

export function token(): string { return localStorage.getItem(tokenKey) || ''; }

/** api calls path and returns its JSON answer. */
export async function api<T = any>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method || 'GET', headers, credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let data: any = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/v1/session')) { endSession(); onUnauthorized(); }
    throw new ApiError(res.status, (data && (data.message || data.error)) || `${res.status} ${res.statusText}`);
  }
  return data as T;
}

/** login opens a session and keeps its token. */
export async function login(username: string, password: string): Promise<void> {
  const r = await api<{ token: string }>('/api/v1/session', { method: 'POST', body: { username, password } });
  localStorage.setItem(tokenKey, r.token);
}

/** logout ends the session on the server and forgets the token. */
export async function logout(): Promise<void> {
  try { await api('/api/v1/session', { method: 'DELETE' }); } catch { /* forget it anyway */ }
  endSession();
}

export const enc = encodeURIComponent;
