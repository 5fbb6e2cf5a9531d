/**
 * The statistics `splitsim models` lists are the ones models record. Every config runs at a small
 * size, and small systems run what the configs leave out (every host application on protocol and
 * detailed hosts, the load balancers no config uses); then every statistic in every component's
 * metrics must be declared by its model's spec or by one of its host's applications (`*` for a
 * family), with the declared type matching its JSON shape; and every declaration must have been
 * recorded somewhere, so a renamed statistic cannot leave a stale line behind.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FAULT_STATISTICS, MS, parseTime, type ComponentMetrics, type StatisticDoc } from '@splitsim/kernel';
import { builtinCatalog, instantiate, type Catalog, type ModelRule, type Plan } from '@splitsim/instantiation';
import { completed, loadConfig, planConfig, recordSettings, runSequential, withRecord } from '@splitsim/runtime';
import { System, switchPort } from '@splitsim/system';
import type { AppInput } from '@splitsim/models';

const configs = join(import.meta.dirname, '..', 'configs');

interface Run {
  name: string;
  plan: Plan;
  catalog: Catalog;
  metrics: ComponentMetrics[];
}

/** Each config at a small size: overrides, instantiation, simulated time. */
const CASES: Array<{ file: string; set?: Record<string, unknown>; inst?: string; until?: string }> = [
  { file: 'mmc.ts', set: { jobs: 2000 } },
  { file: 'broker.ts', set: { warmup: '1s' }, until: '5s' },
  { file: 'datacenter.ts', set: { blocks: 1, racksPerBlock: 2, hostsPerRack: 4, detailedHosts: 3, bulkBytes: 20000 }, inst: 's', until: '200us' },
  { file: 'fattree.ts', set: { k: 4 }, until: '100us' },
  { file: 'hyperscale-lb.ts', set: { policy: 'push', n: 40, bankSize: 20, duration: 20, warmup: 2 } },
  { file: 'hyperscale-lb.ts', set: { policy: 'pull', n: 40, bankSize: 20, duration: 20, warmup: 2, pullProbability: 0.5 } },
  { file: 'hyperscale-lb.ts', set: { policy: 'water-filling', n: 40, bankSize: 0, batch: 10, duration: 20, warmup: 2 } },
  { file: 'hyperscale-lb.ts', set: { policy: 'pooling', n: 20, bankSize: 0, duration: 20, warmup: 2 } },
  { file: 'mixed-fidelity.ts', set: { detailed: 10 }, until: '100us' },
  { file: 'phold.ts', set: { n: 16 }, until: '20us' },
  { file: 'smart-routing.ts', set: { spikeAt: '1s', spikeFor: '1s', stop: '3s' }, until: '4s' },
  // The protocol models (@splitsim/protocols), with their faults: the kernel's fault.* statistics too.
  { file: 'raft.ts', set: { scenario: 'chaos', faultsUntil: '5s', stop: '6s' }, until: '6s' },
  { file: 'two-phase-commit.ts', set: { crashTx: '1s', down: '500ms', participantFrom: '2s', participantDown: '1s', stop: '4s' }, until: '4s' },
  { file: 'causal.ts', set: { stop: '12s', rate: 5 }, until: '12s' },
  { file: 'broker-semantics.ts', set: { duration: '25s', warmup: '1s', crashAt: '15s', consumerCrashAt: '5s' }, until: '25s' },
];

async function runConfig(c: (typeof CASES)[number]): Promise<Run> {
  const path = join(configs, c.file);
  const loaded = await loadConfig(path, c.set ?? {});
  const { plan } = planConfig(loaded, path, c.inst, 1);
  const { metrics } = completed(runSequential(plan, { catalog: loaded.catalog, ...(c.until ? { until: parseTime(c.until) } : {}) }));
  return { name: `${c.file} ${JSON.stringify(c.set ?? {})}`, plan, catalog: loaded.catalog, metrics };
}

function runSystem(name: string, system: System, models: ModelRule[], until: number, record = false): Run {
  const catalog = builtinCatalog();
  let plan = instantiate(system, { models }, { config: name, instantiation: 'test', seed: 1 });
  // A recorded run (--record) adds the link series and flow completion distributions.
  if (record) plan = withRecord(plan, recordSettings('100us', until));
  return { name: record ? `${name} recorded` : name, plan, catalog, metrics: completed(runSequential(plan, { catalog, until })).metrics };
}

/** Every built-in application, each alone on its host, on one switch; `detailed` puts every host behind a NIC. */
function appsSystem(detailed: boolean): System {
  const hosts: Array<[string, AppInput[]]> = [
    ['cbr', [{ type: 'udp-cbr', dst: 'usink', rate: '1Gbps' }]],
    ['poisson', [{ type: 'udp-poisson', dst: 'usink', rate: '1Gbps' }]],
    ['usink', [{ type: 'udp-sink' }]],
    ['bulk', [{ type: 'tcp-bulk', dst: 'tsink', bytes: 30_000 }]],
    ['forever', [{ type: 'tcp-bulk', dst: 'tsink', congestion: 'dctcp' }]],
    ['tsink', [{ type: 'tcp-sink' }]],
    ['client', [{ type: 'rpc-client', server: 'server' }]],
    ['server', [{ type: 'rpc-server' }]],
  ];
  const system = new System(detailed ? 'apps-detailed' : 'apps');
  const sw = system.add('switch', 'sw', { ports: hosts.length, ecnThreshold: 5 });
  hosts.forEach(([name, apps], i) => {
    const h = system.add('host', name, { apps });
    const link = { latency: '1us', bandwidth: '10Gbps' };
    if (detailed) {
      const nic = system.add('nic', `${name}/nic`, {});
      system.link(h.port('pci'), nic.port('pci'), { latency: '500ns' });
      system.link(nic.port('eth'), sw.port(switchPort(i)), link);
    } else system.link(h.port('eth'), sw.port(switchPort(i)), link);
  });
  return system;
}

const NETWORK: ModelRule[] = [
  { kind: 'switch', model: 'switch.packet' },
  { kind: 'nic', model: 'nic.detailed' },
  { kind: 'host', model: 'host.protocol' },
];

/** source → load balancer → two server.queue → sink, for a load balancer no config uses. */
function lbSystem(model: string): { system: System; models: ModelRule[] } {
  const system = new System(model);
  const answered = model === 'lb.jsq';
  const src = system.add('source', 'src', { rate: 2000, jobs: 300 });
  const lb = system.add('load-balancer', 'lb', { targets: 2, ...(model.endsWith('-d') ? { d: 2 } : {}) });
  const sink = system.add('sink', 'sink', { inputs: 2 });
  system.link(src.port('out'), lb.port('in'), { latency: '1us' });
  for (let i = 0; i < 2; i++) {
    const srv = system.add('server', `srv${i}`, { service: { type: 'exponential', mean: 0.0008 }, clients: answered ? 1 : 0, queueLimit: 2 });
    system.link(lb.port(`target${i}`), srv.port(answered ? 'client0' : 'in'), { latency: '1us' });
    if (!answered) system.link(srv.port('out'), sink.port(`in${i}`), { latency: '1us' });
  }
  if (answered) system.link(lb.port('out'), sink.port('in'), { latency: '1us' });
  const models: ModelRule[] = [
    { kind: 'source', model: 'source.profile' },
    { kind: 'load-balancer', model },
    { kind: 'server', model: 'server.queue' },
    { kind: 'sink', model: 'sink.stats' },
  ];
  return { system, models };
}

const SHAPES: Record<StatisticDoc['type'], string[] | null> = {
  counter: null,
  tally: ['count', 'mean', 'variance', 'min', 'max'],
  timeWeighted: ['mean', 'min', 'max', 'current'],
  quantiles: ['count', 'p50', 'p90', 'p99', 'p999', 'relativeError'],
  batchMeans: ['count', 'mean', 'halfWidth95', 'batches'],
  series: ['count', 'times', 'values'],
};

function shapeOk(type: StatisticDoc['type'], value: unknown): boolean {
  const keys = SHAPES[type];
  if (keys === null) return typeof value === 'number';
  if (typeof value !== 'object' || value === null) return false;
  // A recorded run's quantile sketches also give their whole distribution.
  const own = Object.keys(value).filter((k) => !(type === 'quantiles' && k === 'cdf'));
  return JSON.stringify(own.sort()) === JSON.stringify([...keys].sort());
}

/** `wait.class*` → /^wait\.class.*$/. */
const pattern = (key: string) => new RegExp(`^${key.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** The declaration of `name` among `docs` (an exact key before a family), or undefined. */
function lookup(docs: ReadonlyArray<[string, StatisticDoc]>, name: string): [string, StatisticDoc] | undefined {
  return docs.find(([k]) => k === name) ?? docs.find(([k]) => k.includes('*') && pattern(k).test(name));
}

const runs: Run[] = [];

before(async () => {
  for (const c of CASES) runs.push(await runConfig(c));
  for (const detailed of [false, true]) {
    for (const record of [false, true]) {
      runs.push(runSystem(detailed ? 'apps-detailed' : 'apps', appsSystem(detailed), detailed ? [{ kind: 'host', model: 'host.detailed' }, ...NETWORK] : NETWORK, 2 * MS, record));
    }
  }
  for (const model of ['lb.random', 'lb.round-robin', 'lb.hash', 'lb.jsq', 'lb.jsq-d', 'lb.ll-d']) {
    const { system, models } = lbSystem(model);
    runs.push(runSystem(model, system, models, 1000 * MS));
  }
});

test('the runs use every built-in model and application', () => {
  const catalog = builtinCatalog();
  const ran = new Set(runs.flatMap((r) => r.metrics.map((m) => m.model)));
  assert.deepEqual([...catalog.models.keys()].filter((m) => !ran.has(m)), [], 'built-in models that no run used');
  const apps = new Set(runs.flatMap((r) => r.plan.components.flatMap((c) => appsOf(c.params))));
  assert.deepEqual([...catalog.apps.keys()].filter((a) => !apps.has(a)), [], 'built-in applications that no run used');
});

function appsOf(params: unknown): string[] {
  const apps = (params as { apps?: Array<{ type: string }> } | undefined)?.apps;
  return Array.isArray(apps) ? apps.map((a) => a.type) : [];
}

test('every statistic recorded is declared, by its model or its host\'s applications, with its type', () => {
  assert.ok(runs.length > 0);
  // One line per model and statistic, naming the first run and component where it went wrong.
  const problems = new Map<string, string>();
  const problem = (key: string, message: string) => problems.has(key) || problems.set(key, message);
  for (const run of runs) {
    const byId = new Map(run.plan.components.map((c) => [c.id, c]));
    for (const m of run.metrics) {
      const spec = run.catalog.models.get(m.model)!.spec;
      const own = Object.entries(spec.statistics ?? {});
      const fromApps = appsOf(byId.get(m.id)!.params).flatMap((type) => Object.entries((run.catalog.apps.get(type)!.spec as { statistics?: Record<string, StatisticDoc> }).statistics ?? {}));
      // What the kernel records for components with faults, whatever their model.
      fromApps.push(...Object.entries(FAULT_STATISTICS));
      for (const [name, value] of Object.entries(m.stats)) {
        const found = lookup(own, name) ?? lookup(fromApps, name);
        const where = `(${run.name}, ${m.path})`;
        if (!found) problem(`${m.model} ${name}`, `${m.model}: "${name}" is recorded but not declared ${where}`);
        else if (!shapeOk(found[1].type, value)) problem(`${m.model} ${name}`, `${m.model}: "${name}" is declared ${found[1].type} (as "${found[0]}") but records ${JSON.stringify(value).slice(0, 80)} ${where}`);
      }
      if (own.length === 0 && Object.keys(m.stats).some((n) => !lookup(fromApps, n))) problem(m.model, `${m.model} records statistics and declares none`);
    }
  }
  assert.deepEqual([...problems.values()], []);
});

test('every declared statistic is recorded by some run (no stale or misspelt declarations)', () => {
  const catalog = builtinCatalog();
  const recorded = (model: string | null, app: string | null) =>
    runs.flatMap((r) => {
      const byId = new Map(r.plan.components.map((c) => [c.id, c]));
      return r.metrics.filter((m) => (model === null || m.model === model) && (app === null || appsOf(byId.get(m.id)!.params).includes(app))).flatMap((m) => Object.keys(m.stats));
    });
  const missing: string[] = [];
  const check = (what: string, docs: Record<string, StatisticDoc> | undefined, names: string[]) => {
    for (const key of Object.keys(docs ?? {})) if (!names.some((n) => (key.includes('*') ? pattern(key).test(n) : n === key))) missing.push(`${what}: ${key}`);
  };
  for (const [name, { spec }] of catalog.models) check(name, spec.statistics, recorded(name, null));
  for (const [type, { spec }] of catalog.apps) check(type, (spec as { statistics?: Record<string, StatisticDoc> }).statistics, recorded(null, type));
  assert.deepEqual(missing, []);
});
