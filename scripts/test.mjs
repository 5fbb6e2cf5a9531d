// Runs every *.test.ts (unit tests beside the code, end-to-end tests in test/) with node's test
// runner, TypeScript loaded through tsx. Node 20's --test takes no globs, so we list the files.
// Usage: node scripts/test.mjs [substring filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'profiler', 'configs', 'test'];
const skip = new Set(['node_modules', 'runs', '.git']);
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (skip.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
}
roots.forEach(walk);
const filters = process.argv.slice(2);
const chosen = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (chosen.length === 0) {
  console.error(`no test files${filters.length ? ` match ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
