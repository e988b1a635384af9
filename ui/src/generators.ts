// What the ApplicationSet page shows of the generators.

/** blank reports a value with nothing in it: "", null, false-free empty
 * objects and arrays, or objects of such values only. */
function blank(v: any): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.every(blank);
  if (typeof v === 'object') return Object.values(v).every(blank);
  return false;
}

/** withoutEmptyTemplates drops the generators' `template` fields that hold
 * nothing: the API answers each generator with one
 * (`{metadata: {}, spec: {destination: {}, project: ""}}`, as Argo CD's Go
 * types serialise), which is noise next to the generator the user wrote. */
export function withoutEmptyTemplates(v: any): any {
  if (Array.isArray(v)) return v.map(withoutEmptyTemplates);
  if (v && typeof v === 'object') {
    const o: any = {};
    for (const [k, x] of Object.entries(v)) if (!(k === 'template' && blank(x))) o[k] = withoutEmptyTemplates(x);
    return o;
  }
  return v;
}
