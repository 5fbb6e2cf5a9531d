/**
 * Globs over component paths: `*` matches within one path segment, `**` across segments, `?` one
 * character. `block0/**` matches everything under block0; `*\/agg` every block's aggregation switch.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A test for names against declared names and patterns (a model's `p*` ports), built once. */
export function declaredNames(declared: readonly string[]): (name: string) => boolean {
  const exact = new Set(declared.filter((d) => !d.includes('*')));
  const patterns = declared.filter((d) => d.includes('*')).map(globToRegExp);
  return (name) => exact.has(name) || patterns.some((p) => p.test(name));
}
