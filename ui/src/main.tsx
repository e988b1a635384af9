// The entry point: the session, the header, and the hash routes.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, login, logout, setUnauthorizedHandler, token } from './api';
import { AppList } from './applist';
import { AppPage } from './app';
import { AppSetList, AppSetPage, ProjectList, ProjectPage } from './appset';
import { ErrorBox } from './components';
import { RolloutList, RolloutPage } from './rollout';
import { useRoute } from './router';
import { currentTheme, toggleTheme } from './theme';
import './style.css';

/** Logo is a small sail, drawn inline (no asset to fetch). */
function Logo() {
  return <svg width="18" height="18" viewBox="0 0 16 16" aria-hidden="true"><path d="M2 11h12l-2 3H4zM8 1v9M8 2l5 7H8z" fill="currentColor" /></svg>;
}

function Login({ onLogin }: { onLogin: (user: string) => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try { await login(username, password); onLogin(username); } catch (err: any) { setError(err.message); }
  };
  return (
    <form class="login" onSubmit={submit} data-testid="login">
      <h1>Tiphys</h1>
      <label>Username <input value={username} onInput={e => setUsername((e.target as HTMLInputElement).value)} autoComplete="username" data-testid="username" /></label>
      <label>Password <input type="password" value={password} autoFocus onInput={e => setPassword((e.target as HTMLInputElement).value)} autoComplete="current-password" data-testid="password" /></label>
      <ErrorBox error={error} />
      <button type="submit" class="primary" data-testid="login-submit">Sign in</button>
    </form>
  );
}

function Routes() {
  const r = useRoute();
  switch (r[0]) {
    case 'applications': return r[1] ? <AppPage name={r[1]} tab={r[2]} key={r[1]} /> : <AppList />;
    case 'rollouts': return r[2] ? <RolloutPage ns={r[1]} name={r[2]} app={r[3]} key={r.join('/')} /> : <RolloutList />;
    case 'applicationsets': return r[1] ? <AppSetPage name={r[1]} key={r[1]} /> : <AppSetList />;
    case 'projects': return r[1] ? <ProjectPage name={r[1]} key={r[1]} /> : <ProjectList />;
    case undefined: return <AppList />;
    default: return (
      <div class="page" data-testid="not-found">
        <ErrorBox error={`No page at ${location.hash}.`} />
        <p><a href="#/applications">Applications</a></p>
      </div>
    );
  }
}

function Root() {
  const [user, setUser] = useState<string | null>(token() ? '' : null);
  const [theme, setTheme] = useState(currentTheme());
  const section = useRoute()[0] || 'applications';
  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    if (token()) api('/api/v1/session/userinfo').then(u => setUser(u.loggedIn ? u.username : null), () => setUser(null));
  }, []);
  if (user === null) return <Login onLogin={setUser} />;
  const nav: [string, string][] = [['applications', 'Applications'], ['applicationsets', 'ApplicationSets'], ['rollouts', 'Rollouts'], ['projects', 'Projects']];
  return (
    <>
      <header class="top">
        <a class="brand" href="#/applications"><Logo /> Tiphys</a>
        <nav>{nav.map(([id, label]) => <a href={'#/' + id} class={section === id ? 'active' : ''} data-testid={'nav-' + id}>{label}</a>)}</nav>
        <span class="spacer" />
        <button class="icon" onClick={() => setTheme(toggleTheme())} title="Switch between dark and light" data-testid="theme-toggle">{theme === 'dark' ? '☀' : '☾'}</button>
        <span class="muted small" data-testid="user">{user}</span>
        <button onClick={async () => { await logout(); setUser(null); }} data-testid="logout">Log out</button>
      </header>
      <main><Routes /></main>
    </>
  );
}

render(<Root />, document.getElementById('root')!);
