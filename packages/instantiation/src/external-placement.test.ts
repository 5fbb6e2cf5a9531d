/**
 * External placement (docs/external-protocol.md): an external model runs only in an instance
 * placed external, such an instance runs only external models, and the placement is checked
 * like any other (a command, nothing external on a thread), every problem at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineExternalModel } from '@splitsim/kernel';
import { builtinCatalog, checkPlan, external, instantiate, manual, parsePlan, PlanError, serializePlan, type Catalog } from '@splitsim/instantiation';
import { System } from '@splitsim/system';
import { z } from 'zod';

const Fifo = defineExternalModel({ model: 'ext.fifo', kinds: ['server'], description: 'a server elsewhere', ports: ['in', 'out'], params: z.object({ mean: z.number().positive() }).strict() });
const base = builtinCatalog();
const catalog: Catalog = { ...base, modules: [...base.modules, { specifier: 'ext' }], models: new Map([...base.models, ['ext.fifo', { spec: Fifo.spec, cls: Fifo, module: 'ext' }]]) };

function system(): System {
  const s = new System('q');
  const src = s.add('source', 'src', { rate: 10, jobs: 10 });
  const srv = s.add('server', 'srv', { mean: 5 });
  const snk = s.add('sink', 'snk', {});
  s.link(src.port('out'), srv.port('in'), { latency: '1us' });
  s.link(srv.port('out'), snk.port('in'), { latency: '1us' });
  return s;
}

const models = [{ kind: 'server', model: 'ext.fifo' }, { kind: 'source', model: 'source.poisson' }, { kind: 'sink', model: 'sink.latency' }];
const options = { config: 'q', instantiation: 'x', seed: 1, catalog };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, String(err));
    return err.problems.map((p) => `${p.where}: ${p.message}`);
  }
  return assert.fail('expected a PlanError');
}

test('an external model in an external instance: the plan carries the command as data and round-trips', () => {
  const plan = instantiate(system(), {
    models,
    partition: manual({ ours: ['src', 'snk'], ext: 'srv' }),
    placement: (i) => (i.name === 'ext' ? external(['python3', 'sim.py', '--fast'], { env: { A: '1' }, startTimeout: '2s' }) : 'thread'),
  }, options);
  assert.deepEqual(plan.instances[1]!.placement, { kind: 'external', command: ['python3', 'sim.py', '--fast'], env: { A: '1' }, startTimeoutMs: 2000 });
  assert.equal(plan.components[1]!.model, 'ext.fifo');
  assert.deepEqual(plan.components[1]!.params, { mean: 5 });
  assert.deepEqual(checkPlan(plan), []);
  assert.deepEqual(parsePlan(serializePlan(plan)), plan);
});

test('external models outside external instances, ours inside one, and external settings on a thread are all reported', () => {
  const got = problems(() => instantiate(system(), {
    models,
    partition: manual({ a: ['src', 'srv'], b: 'snk' }),
    placement: (i) => (i.name === 'a' ? 'thread' : external(['sim'])),
  }, options));
  assert.ok(got.some((p) => /^srv \(ext\.fifo\): external model, implemented only by an external simulator, but instance a runs in a thread/.test(p)), got.join('\n'));
  assert.ok(got.some((p) => /^snk \(sink\.latency\): instance b is an external simulator, which runs only models declared with defineExternalModel/.test(p)), got.join('\n'));
  const more = problems(() => instantiate(system(), { models, placement: { kind: 'external' } }, options));
  assert.ok(more.some((p) => /is placed in an external simulator without a command/.test(p)), more.join('\n'));
  const thread = problems(() => instantiate(system(), { models, placement: { kind: 'thread', command: ['x'] } }, options));
  assert.ok(thread.some((p) => /gives command, which only an external placement takes/.test(p)), thread.join('\n'));
});

test('building an external model in one of our instances is refused, naming it', () => {
  assert.throws(() => new Fifo({ path: 'srv' } as never, { mean: 1 }), /srv: model ext\.fifo is implemented only by an external simulator/);
});
