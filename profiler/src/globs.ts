/**
 * Names a set of components in few, readable patterns, the way a person would write a partition:
 * a whole subtree of the path hierarchy as `prefix/**`, single components by path, and long runs
 * of flat siblings (PHOLD's `node0` … `node1023`) as id ranges. The patterns are those
 * `manual` and partition files read (`*` within a segment, `**` across); no pattern covers a
 * component outside the set, so the patterns of different instances never overlap.
 */
export interface Patterns {
  globs: string[];
  /** Ids and "first-last" ranges, for what globs would name one by one. */
  ids: Array<number | string>;
}

export interface Trie {
  /** The component whose path ends here, or -1. */
  id: number;
  children: Map<string, Trie>;
  /** Components at or below. */
  count: number;
  /** Smallest id at or below, to order the output. */
  first: number;
}

const GLOB_CHARS = /[*?]/;
/** More flat siblings than this are written as id ranges. */
const FLAT_LIMIT = 16;

function build(paths: readonly string[]): Trie {
  const root: Trie = { id: -1, children: new Map(), count: 0, first: Infinity };
  paths.forEach((path, id) => {
    let node = root;
    node.count++;
    node.first = Math.min(node.first, id);
    for (const seg of path.split('/')) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { id: -1, children: new Map(), count: 0, first: Infinity }));
      node = next;
      node.count++;
      node.first = Math.min(node.first, id);
    }
    node.id = id;
  });
  return root;
}

/** Patterns naming exactly the components in `set` (ids into `paths`). */
export function patternsFor(paths: readonly string[], set: ReadonlySet<number>, trie: Trie = build(paths)): Patterns {
  const globs: Array<{ first: number; text: string }> = [];
  const loose: number[] = [];
  const counts = new Map<Trie, number>();
  const countOf = (node: Trie): number => {
    let k = counts.get(node);
    if (k === undefined) {
      k = node.id >= 0 && set.has(node.id) ? 1 : 0;
      for (const c of node.children.values()) k += countOf(c);
      counts.set(node, k);
    }
    return k;
  };
  const visit = (node: Trie, prefix: string) => {
    const k = countOf(node);
    if (k === 0) return;
    const safe = !GLOB_CHARS.test(prefix);
    if (prefix !== '' && k === node.count && node.children.size > 0 && safe) {
      if (node.id >= 0) globs.push({ first: node.id, text: prefix });
      globs.push({ first: node.first, text: `${prefix}/**` });
      return;
    }
    if (node.id >= 0 && set.has(node.id)) {
      if (safe) globs.push({ first: node.id, text: prefix });
      else loose.push(node.id);
    }
    const leaves = [...node.children.values()].filter((c) => c.children.size === 0 && c.id >= 0 && set.has(c.id));
    const flat = leaves.length > FLAT_LIMIT;
    for (const [seg, child] of node.children) {
      if (flat && child.children.size === 0) {
        if (child.id >= 0 && set.has(child.id)) loose.push(child.id);
        continue;
      }
      visit(child, prefix === '' ? seg : `${prefix}/${seg}`);
    }
  };
  visit(trie, '');
  globs.sort((a, b) => a.first - b.first || (a.text < b.text ? -1 : 1));
  return { globs: globs.map((g) => g.text), ids: ranges(loose) };
}

/** Sorted ids as numbers and "a-b" ranges of three or more. */
export function ranges(ids: number[]): Array<number | string> {
  const s = [...ids].sort((a, b) => a - b);
  const out: Array<number | string> = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    if (j - i >= 2) out.push(`${s[i]}-${s[j]}`);
    else for (let x = i; x <= j; x++) out.push(s[x]!);
    i = j + 1;
  }
  return out;
}

/** The trie of every component path, built once for many calls of patternsFor. */
export function pathTrie(paths: readonly string[]): Trie {
  return build(paths);
}
