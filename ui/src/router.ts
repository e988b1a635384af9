// Hash routing: #/applications/NAME and so on; the server serves
// index.html for every path, so the app also works behind any prefix.
import { useEffect, useState } from 'preact/hooks';

/** useRoute is the path after '#', split into its segments. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
}

/** go navigates to a hash route. */
export function go(path: string) { location.hash = path; }

/** href is the link of a route made of segments. */
export function href(...segments: string[]): string {
  return '#/' + segments.map(encodeURIComponent).join('/');
}
