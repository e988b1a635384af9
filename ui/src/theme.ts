// Themes: the system's (prefers-color-scheme) unless the user picked one;
// the choice is kept in localStorage and applied by index.html before the
// first paint.
const key = 'tiphys.theme';

export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  const t = document.documentElement.dataset.theme;
  if (t === 'light' || t === 'dark') return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem(key, next);
  return next;
}
