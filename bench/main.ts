/**
 * `npm run bench -- <name> [options] [--json]`: every benchmark is a module here with a run()
 * that prints a human summary and, with --json, ends with one line holding a JSON object.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  mmc: () => import('./mmc.ts'),
  channel: () => import('./channel.ts'),
  phold: () => import('./phold.ts'),
  hyperscale: () => import('./hyperscale.ts'),
  queue: () => import('./queue.ts'),
  plan: () => import('./plan.ts'),
  fattree: () => import('./fattree.ts'),
  'mixed-fidelity': () => import('./mixed-fidelity.ts'),
  datacenter: () => import('./datacenter.ts'),
  paired: () => import('./paired.ts'),
  raft: () => import('./raft.ts'),
  'cost-model': () => import('./cost-model.ts'),
  tune: () => import('./tune.ts'),
  ns3: () => import('./ns3/main.ts'),
  compare: () => import('./compare.ts'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || !benches[name]) {
  process.stderr.write(`usage: npm run bench -- <name> [options] [--json]\nbenchmarks: ${Object.keys(benches).join(', ')}\n`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
await (await benches[name]!()).run(args);
