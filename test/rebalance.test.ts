// Profile-guided repartitioning end to end on a small PHOLD: the version 2 log's costs add up to
// what the run did, the same profile gives the same proposal byte for byte, the proposal loads as
// a partition file and gives the same metrics as one instance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantiate, partitionFromFile, readPartitionFile, type Plan } from '@splitsim/instantiation';
import { DEFAULT_MACHINE, measureCosts, parseLog, rebalance, type RunCosts } from '@splitsim/profiler';
import { runParallel, runSequential, writeRunDirectory } from '@splitsim/runtime';
import config from '../configs/phold.ts';

const scratch = mkdtempSync(join(tmpdir(), 'splitsim-rebalance-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// 32 nodes with enough events that every instance has work between lookaheads; 5 ms profile
// lines (the CLI's floor is 50 ms; the runtime takes any), so even a fast machine writes several.
const params = config.params.parse({ n: 32, population: 40 });
const UNTIL = 40_000_000; // 40 µs
const system = () => config.system(params);
const planOf = (inst: string): Plan => instantiate(system(), config.instantiations[inst]!(system(), params), { config: 'phold', instantiation: inst, seed: 3 });

let dir = '';
let reference = '';
let costs: RunCosts;

before(async () => {
  dir = join(scratch, 'u4');
  const plan = planOf('unbalanced4');
  const r = await runParallel(plan, { until: UNTIL, runDir: dir, profileNs: 5e6 });
  assert.equal(r.status, 'completed', r.failure?.message);
  writeRunDirectory(dir, { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log });
  reference = JSON.stringify(runSequential(planOf('linear1'), { until: UNTIL }).metrics);
  assert.equal(JSON.stringify(r.metrics), reference, 'unbalanced4 gives the metrics of one instance');
  costs = measureCosts(dir, { warmup: 0, cooldown: 0 });
});

test('version 2 profile: component events add up to the run\'s, link messages to the messages received, bytes to 32 per message', () => {
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { totals: { events: number }; components: Array<{ stats: { received?: number } }> };
  let events = 0;
  let msgs = 0;
  for (const inst of ['i0', 'i1', 'i2', 'i3']) {
    const file = join(dir, 'profile', `${inst}.jsonl`);
    const { log, problems } = parseLog(readFileSync(file, 'utf8'), file);
    assert.deepEqual(problems, []);
    const last = log.samples.at(-1)!;
    assert.ok(last.cost, 'version 2 lines carry costs');
    events += last.cost.components.events.reduce((s, x) => s + x, 0);
    msgs += last.cost.links.msgs.reduce((s, x) => s + x, 0);
    for (const c of last.channels) assert.equal(c.txBytes, 32 * c.txMsgs, `${inst} ${c.channel}: number messages are 32-byte records`);
    assert.ok(Object.values(last.cost.models).every((m) => m.sampled > 0 && m.sampledNs > 0), 'events were timed');
  }
  assert.equal(events, metrics.totals.events);
  assert.equal(msgs, metrics.components.reduce((s, c) => s + (c.stats.received ?? 0), 0));
});

test('the same profile gives the same proposal, byte for byte', () => {
  const a = rebalance(measureCosts(dir, { warmup: 0, cooldown: 0 }), { cores: 2, machine: DEFAULT_MACHINE });
  const b = rebalance(measureCosts(dir, { warmup: 0, cooldown: 0 }), { cores: 2, machine: DEFAULT_MACHINE });
  assert.equal(a.text, b.text);
  assert.deepEqual(a.reasons, b.reasons);
  for (const k of [2, 3, 4]) assert.equal(rebalance(costs, { cores: 4, instances: k, machine: DEFAULT_MACHINE }).text, rebalance(costs, { cores: 4, instances: k, machine: DEFAULT_MACHINE }).text);
});

test('four instances from unbalanced4: measured work evened out, the 4.1x instance gone', () => {
  const p = rebalance(costs, { cores: 4, instances: 4, machine: DEFAULT_MACHINE });
  assert.equal(p.candidate.groups.length, 4);
  const work = p.prediction.instances.map((i) => i.work);
  const mean = work.reduce((s, x) => s + x, 0) / work.length;
  assert.ok(Math.max(...work) <= 1.3 * mean, `work ${work.map((w) => w.toFixed(0)).join(', ')}`);
  assert.ok(p.moves.some((m) => m.from === 'i0'), 'components leave i0');
  assert.ok(p.reasons.some((r) => /^ {2}moved .* from i0 to /.test(r)), p.reasons.join('\n'));
});

test('the proposal is a partition file that runs, in threads, with the metrics of one instance', async () => {
  const p = rebalance(costs, { cores: 2, instances: 2, machine: DEFAULT_MACHINE });
  const file = join(scratch, 'partition.json');
  writeFileSync(file, p.text);
  const doc = readPartitionFile(file);
  assert.equal(doc.instances.length, 2);
  const { partition, placement } = partitionFromFile(doc, file);
  const plan = instantiate(system(), { partition, placement }, { config: 'phold', instantiation: 'from-file', seed: 3 });
  assert.deepEqual(plan.instances.map((i) => i.components.length).sort(), p.candidate.groups.map((g) => g.components.length).sort());
  const r = await runParallel(plan, { until: UNTIL });
  assert.equal(r.status, 'completed');
  assert.equal(JSON.stringify(r.metrics), reference);
});
