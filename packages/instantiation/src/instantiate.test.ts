import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ab, ac, checkPlan, cr, crK, instantiate, parsePlan, PlanError, remote, rs, s, serializePlan, type Instantiation, type PartitionFn, type Plan } from '@splitsim/instantiation';
import { datacenter, System } from '@splitsim/system';
import { networkRules, standIns } from '../../../test/support/stand-ins.ts';

const catalog = standIns([
  { model: 'host.fast', kinds: ['host'], ports: ['eth'] },
  { model: 'source.poisson', kinds: ['source'], ports: ['out'], params: z.object({ rate: z.number().positive() }).strict() },
  { model: 'server.fifo', kinds: ['server'], ports: ['in', 'out'], params: z.object({ servers: z.number().int().default(1) }).strict() },
  { model: 'sink.latency', kinds: ['sink'], ports: ['in'], params: z.object({}).strict() },
]);

const options = (instantiation = 'test') => ({ config: 'test', instantiation, seed: 1, catalog });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${(err as Error).stack}`);
    return err.problems.map((p) => `${p.where}: ${p.message}`);
  }
  assert.fail('expected a PlanError');
}

const dc = datacenter({ nic: (slot) => slot.index % 171 === 85 });
const detailed = new Set(dc.hosts.filter((h) => h.nic).map((h) => h.path));
const dcPlan = (partition: PartitionFn, name = 'test') => instantiate(dc.system, { models: networkRules(detailed), partition }, options(name));

test('the 1200-host datacenter: every strategy gives a valid plan with the paper instance counts', () => {
  const counts: Array<[string, PartitionFn, number]> = [['s', s, 1], ['ab', ab, 5], ['ac', ac, 6], ['cr', cr, 31], ['cr3', crK(3), 11], ['rs', rs, 36]];
  for (const [name, partition, count] of counts) {
    const plan = dcPlan(partition, name);
    assert.equal(plan.instances.length, count, name);
    assert.deepEqual(checkPlan(plan), [], name);
    // Every component in exactly one instance.
    const holders = new Int32Array(plan.components.length);
    for (const inst of plan.instances) for (const id of inst.components) holders[id]!++;
    assert.ok(holders.every((h) => h === 1), name);
    // Every cut link in exactly one channel, the one between its ends' instances; no other link in any.
    const carried = new Int32Array(plan.links.length);
    for (const ch of plan.channels) for (const id of ch.links) carried[id]!++;
    for (const l of plan.links) {
      const ia = plan.components[l.a.component]!.instance;
      const ib = plan.components[l.b.component]!.instance;
      assert.equal(carried[l.id], ia === ib ? 0 : 1, `${name}: link ${l.id}`);
      if (ia !== ib) assert.deepEqual([plan.channels[l.channel!]!.a, plan.channels[l.channel!]!.b], [Math.min(ia, ib), Math.max(ia, ib)]);
    }
    assert.ok(plan.channels.every((ch) => ch.lookahead === 500_000 && ch.syncInterval === 500_000));
  }
});

test('models: detailed hosts and their NICs, protocol-level the rest; params carry resolved units', () => {
  const plan = dcPlan(cr);
  const models = new Map<string, number>();
  for (const c of plan.components) models.set(c.model, (models.get(c.model) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(models), { 'switch.packet': 36, 'host.protocol': 1193, 'host.detailed': 7, 'nic.detailed': 7 });
  const host = plan.components.find((c) => c.path === 'block0/rack0/host0')!;
  // The kind's resolved units, and the routes the network step derived (address, link rate, peers).
  assert.deepEqual(host.params, { cores: 1, clock: 3e9, memory: 16 * 1024 ** 3, apps: [], ip: '10.0.0.1', net: { address: 0, rate: 10e9, peers: {} } });
  // The plan says where each model comes from; the system itself is left as declared.
  assert.deepEqual(plan.modules, [{ specifier: 'splitsim/models' }]);
  assert.deepEqual(plan.models.map((m) => `${m.name} ${m.module}`), ['switch.packet splitsim/models', 'host.protocol splitsim/models', 'host.detailed splitsim/models', 'nic.detailed splitsim/models']);
  assert.equal(dc.system.find('block0/rack0/host0')!.params.net, undefined);
  const pci = plan.links.filter((l) => l.kind === 'pci');
  assert.equal(pci.length, 7);
});

test('a plan round-trips through JSON unchanged, and the same input gives the same plan', () => {
  for (const partition of [s, cr, crK(3)]) {
    const plan = dcPlan(partition);
    const text = serializePlan(plan);
    assert.deepEqual(parsePlan(text), plan);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
    assert.equal(serializePlan(dcPlan(partition)), text);
  }
  // A rebuilt system (same program) gives the same plan too.
  const again = datacenter({ nic: (slot) => slot.index % 171 === 85 });
  assert.equal(serializePlan(instantiate(again.system, { models: networkRules(detailed), partition: rs }, options())), serializePlan(dcPlan(rs)));
});

test('parsePlan rejects a plan that does not hold together', () => {
  const plan = dcPlan(ac);
  const broken = JSON.parse(JSON.stringify(plan)) as Plan;
  broken.instances[1]!.components.push(0);
  broken.channels[0]!.syncInterval = broken.channels[0]!.lookahead + 1;
  broken.links[broken.channels[1]!.links[0]!]!.channel = null;
  assert.throws(() => parsePlan(broken), (err: PlanError) => {
    const text = err.problems.map((p) => `${p.where}: ${p.message}`);
    assert.ok(text.includes('core: is in instances core and block0'), text.join('\n'));
    assert.ok(text.some((t) => /^channel core↔block0: has sync interval 500\.001ns; it must be positive and at most the lookahead 500ns$/.test(t)), text.join('\n'));
    assert.ok(text.some((t) => /is cut but no channel carries it/.test(t)));
    return true;
  });
  assert.throws(() => parsePlan('{"version": 3}'), /plan version: /);
  assert.throws(() => parsePlan('not json'), /plan: not JSON/);
});

test('model rules: by kind, glob, predicate, and a seeded fraction', () => {
  const rules = (seed: number): Instantiation['models'] => [
    { kind: 'switch', model: 'switch.packet' },
    { match: 'block4/**', kind: 'host', model: 'host.protocol' },
    { kind: 'host', fraction: 0.1, seed, model: 'host.fast' },
    { kind: 'host', model: 'host.protocol' },
    { kind: 'nic', model: 'nic.detailed' },
  ];
  const sys = datacenter().system;
  const pick = (seed: number) => instantiate(sys, { models: rules(seed) }, options()).components.filter((c) => c.model === 'host.fast').map((c) => c.path);
  const a = pick(7);
  // 10 % of the 960 hosts outside block4, the same ones for the same seed.
  assert.equal(a.length, 96);
  assert.ok(a.every((p) => !p.startsWith('block4/')));
  assert.deepEqual(pick(7), a);
  assert.notDeepEqual(pick(8), a);
  // Glob and kind rules that leave a component with no model say so; a single fitting model needs no rule.
  const mmc = new System('mmc');
  const src = mmc.add('source', 'src', { rate: 2 });
  const sink = mmc.add('sink', 'sink', {});
  mmc.link(src.port('out'), sink.port('in'), { latency: '1us' });
  const plan = instantiate(mmc, {}, options());
  assert.deepEqual(plan.components.map((c) => c.model), ['source.poisson', 'sink.latency']);
});

test('placement and sync settings per instance and channel', () => {
  const plan = instantiate(
    dc.system,
    {
      models: networkRules(detailed),
      partition: ac,
      placement: (inst) => (inst.name === 'core' ? 'process' : inst.index === 1 ? remote('runner-a') : 'thread'),
      syncInterval: (ch) => (ch.b === 'block1' ? '200ns' : undefined),
    },
    options(),
  );
  assert.deepEqual(plan.instances.map((i) => i.placement), [{ kind: 'process' }, { kind: 'remote', runner: 'runner-a' }, { kind: 'thread' }, { kind: 'thread' }, { kind: 'thread' }, { kind: 'thread' }]);
  assert.deepEqual(plan.channels.map((c) => c.syncInterval), [500_000, 200_000, 500_000, 500_000, 500_000]);
});

/** A small system with one instance of each mistake the plan checks; every one is reported. */
test('validation collects every problem, each naming its component, link or instance and the fix', () => {
  const sys = new System('bad');
  const sw = sys.add('switch', 'sw', { ports: 4 });
  const h0 = sys.add('host', 'h0', { apps: [{ type: 'tcp-sink' }] });
  const h1 = sys.add('host', 'h1');
  const h2 = sys.add('host', 'h2');
  const src = sys.add('source', 'src', { rate: 1, burst: 3 });
  const srv = sys.add('server', 'srv', {});
  const snk = sys.add('sink', 'snk', {});
  sys.link(h0.port('eth'), sw.port('p0'), { latency: 0, bandwidth: '10Gbps' });
  sys.link(h1.port('eth'), sw.port('p1'), { latency: '1us', bandwidth: '10Gbps', noCut: true });
  sys.link(h2.port('eth'), sw.port('p2'), { latency: '200ns', bandwidth: '10Gbps' });
  sys.link(src.port('out'), srv.port('input'), { latency: '1us' });
  sys.link(srv.port('out'), snk.port('in'), { latency: '1us' });
  const problems = problemsOf(() =>
    instantiate(
      sys,
      {
        models: [{ kind: 'switch', model: 'switch.packet' }, { kind: 'host', match: 'h0', model: 'host.protocol' }, { kind: 'host', match: 'h1', model: 'nic.detailed' }, { kind: 'sink', model: 'sink.fancy' }],
        partition: (system) => system.components.map((c) => ({ name: c.path, components: [c.id] })),
        placement: (inst) => (inst.name === 'srv' ? { kind: 'remote' } : 'thread'),
        syncInterval: '1us',
      },
      options(),
    ),
  );
  assert.deepEqual(problems.sort(), [
    'channel sw↔h2: syncInterval 1us is above the channel\'s lookahead 200ns; lower it to at most 200ns or leave it out (default: the lookahead)',
    'h1: model "nic.detailed" simulates nic, not host; choose a host model (models for host: host.detailed, host.protocol, host.fast)',
    "h2: no model chosen for kind host: no rule applies, and rules name kind host, so its default host.protocol is not used; add a rule such as models: [{ kind: 'host', model: '…' }] (models for host: host.detailed, host.protocol, host.fast)",
    'instance srv: is placed on a remote runner without a name; write { kind: \'remote\', runner: \'name\' }',
    'link h0.eth ↔ sw.p0: has zero latency, so it cannot be cut (no lookahead), but the partition puts its ends in h0 and sw; put both ends in one instance or give the link a latency',
    'link h1.eth ↔ sw.p1: is marked noCut but the partition puts its ends in h1 and sw; put both ends in one instance',
    'link src.out ↔ srv.input: model server.fifo (server) has no port "input" (ports: in, out); link one of those or choose another model',
    `snk: no model module provides model "sink.fancy" (1 component uses it; modules: splitsim/models, stand-ins); add the module that exports it to the config's modules, or choose another model (splitsim models lists them)`,
    'src: unknown parameter "burst"; parameters of model source.poisson: rate',
  ].sort());
});

test('partition mistakes: a component in two instances, in none, or one the system lacks', () => {
  const sys = datacenter({ blocks: 1, racksPerBlock: 1, hostsPerRack: 3 }).system;
  const problems = problemsOf(() =>
    instantiate(sys, { models: networkRules(), partition: () => [{ name: 'a', components: [0, 1, 2] }, { name: 'a', components: [2, 99] }] }, options()),
  );
  assert.deepEqual(problems, [
    'instance a: is named twice; the partition must give each group its own name',
    'block0/rack0/tor: is in two instances, a and a; the partition must put it in one',
    'instance a: holds component 99, which the system does not have',
    'block0/rack0/host0, block0/rack0/host1, block0/rack0/host2: (3 components) are in no instance; the partition must place every component (manual: add a pattern or a rest instance)',
  ]);
});

test('the same mistake on many components is one line of the message', () => {
  const sys = datacenter().system;
  assert.throws(() => instantiate(sys, { models: [{ kind: 'switch', model: 'switch.fast' }, { kind: 'host', model: 'host.protocol' }] }, options()), (err: PlanError) => {
    assert.equal(err.problems.length, 1);
    assert.match(err.message, /^the plan has 1 problem: core, block0\/agg, block0\/rack0\/tor and 33 more: no model module provides model "switch\.fast" \(36 components use it; modules: splitsim\/models, stand-ins\);/);
    return true;
  });
});
