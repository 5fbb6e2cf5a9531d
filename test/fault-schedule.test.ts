/**
 * The fault schedule from system to plan: declarations checked and reported with the system's
 * other problems; crash processes drawn from the run seed (the same plan for the same seed,
 * another for another); partitions turned into the links between the sides; overlapping link
 * faults cut into segments; crashing a model that does not keep account of crashes refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Component, defineSpec, MAX_TIME, MS, SEC, System, z } from 'splitsim';
import { builtinLoaded, catalogOf, instantiate, parsePlan, PlanError, serializePlan, type Catalog } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';

const params = z.object({}).strict();

/** A crashable component that sends a message on `out` every 10 ms and counts what arrives on `in`. */
class Ticker extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({ model: 'ticker.test', kinds: ['ticker'], description: 'test', ports: ['in', 'out'], params, crashable: true });
  private readonly out = this.ctx.port('out');
  private readonly got = this.ctx.stats.counter('got');
  private readonly tick = this.ctx.timer(() => {
    this.out.send(1);
    this.ctx.schedule(this.tick, 10 * MS);
  });

  constructor(...a: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...a);
    this.ctx.port('in', () => this.got.value++);
    this.ctx.onRecover(() => this.ctx.schedule(this.tick, 10 * MS));
  }

  override init(): void {
    this.ctx.schedule(this.tick, 10 * MS);
  }
}

const ticker = { kind: 'ticker', description: 'test' };
const catalog: Catalog = catalogOf([builtinLoaded, { ref: { specifier: 'test', url: 'file:///test.ts' }, exports: { Ticker, ticker } }]).catalog;

function ring(n: number) {
  const s = new System('ring');
  const t = Array.from({ length: n }, (_, i) => s.add('ticker', `t${i}`));
  const links = t.map((x, i) => s.link(x.port('out'), t[(i + 1) % n]!.port('in'), { latency: '1ms' }));
  return { s, t, links };
}

const plan = (s: System, seed = 1) => instantiate(s, {}, { config: 'test', instantiation: 'one', seed, catalog });

test('crash processes are drawn from the run seed: the same plan for the same seed, another for another', () => {
  const make = (seed: number) => {
    const { s, t } = ring(3);
    s.faults.crashes(t, { meanUp: '2s', meanDown: '200ms', until: '20s' });
    return plan(s, seed);
  };
  const a = make(1);
  assert.deepEqual(make(1).faults, a.faults);
  assert.notDeepEqual(make(2).faults, a.faults);
  assert.equal(a.faults!.crashes.length, 3);
  for (const c of a.faults!.crashes) {
    assert.ok(c.windows.length >= 2, 'about 9 crashes in 20 s at a mean of 2.2 s');
    for (const w of c.windows) assert.ok(w.from < 20 * SEC && w.until! > w.from);
  }
  // Plans are data: the schedule survives JSON.
  assert.deepEqual(parsePlan(serializePlan(a)).faults, a.faults);
});

test('a partition downs the links between its sides; overlapping link faults become segments', () => {
  const { s, t, links } = ring(4);
  s.faults.partition([t[0]!, t[1]!], [t[2]!, t[3]!], { at: '1s', until: '2s' });
  s.faults.degrade(links[1]!, { at: '1500ms', until: '3s', loss: 0.5, delay: '5ms' });
  s.faults.degrade(links[1]!, { at: '2500ms', until: '4s', loss: 0.5 });
  const p = plan(s);
  // Links t1→t2 and t3→t0 join the sides; t0→t1 and t2→t3 do not.
  assert.deepEqual(p.faults!.links.map((l) => l.link), [1, 3]);
  assert.deepEqual(p.faults!.links[0]!.windows, [
    { from: 1 * SEC, until: 2 * SEC, down: true, loss: 0, delay: 0 },
    { from: 2 * SEC, until: 2.5 * SEC, down: false, loss: 0.5, delay: 5 * MS },
    { from: 2.5 * SEC, until: 3 * SEC, down: false, loss: 0.75, delay: 5 * MS },
    { from: 3 * SEC, until: 4 * SEC, down: false, loss: 0.5, delay: 0 },
  ]);
  assert.deepEqual(p.faults!.links[1]!.windows, [{ from: 1 * SEC, until: 2 * SEC, down: true, loss: 0, delay: 0 }]);
  // And the kernel applies them: t2 hears nothing from t1 while the link is down.
  const quiet = completed(runSequential(p, { catalog, until: 5 * SEC }));
  const clean = ring(4);
  const loud = completed(runSequential(plan(clean.s), { catalog, until: 5 * SEC }));
  const got = (m: typeof quiet.metrics) => m.find((x) => x.path === 't2')!.stats.got as number;
  assert.ok(got(loud.metrics) - got(quiet.metrics) >= 100, `${got(loud.metrics)} vs ${got(quiet.metrics)}`);
});

test('mistakes in a fault schedule are reported with the system, all at once', () => {
  const { s, t, links } = ring(2);
  s.faults.crash('t9', { at: '1s' });
  s.faults.crash(t[0]!, { at: '2s', recover: '1s' });
  s.faults.down(links[0]!, { at: '1s', until: '1s' });
  s.faults.degrade(links[0]!, { at: '1s' });
  s.faults.partition([t[0]!], [t[0]!, t[1]!], { at: '1s' });
  s.faults.crashes(t, { meanUp: '1s', meanDown: '1s', until: '1s', from: '2s' });
  s.faults.crash(t[1]!, { at: 'soon' } as never);
  const err = (() => {
    try {
      plan(s);
    } catch (e) {
      return e as PlanError;
    }
    return null;
  })();
  assert.ok(err instanceof PlanError);
  const text = err.problems.map((p) => `${p.where}: ${p.message}`).join('\n');
  for (const m of ['no component "t9"', 'recover must come after at', 'until must come after at', 'give a loss probability or a delay', 'is on both sides', 'until must come after from', 'faults.crash #7']) {
    assert.ok(text.includes(m), `missing "${m}" in:\n${text}`);
  }
});

test('crashing a component whose model does not keep account of crashes is refused', () => {
  const s = new System('q');
  const src = s.add('source', 'src', { rate: 10 });
  const srv = s.add('server', 'srv', { servers: 1, service: { type: 'exponential', mean: 0.01 } });
  s.link(src.port('out'), srv.port('in'), { latency: 0 });
  s.faults.crash(srv, { at: '1s', recover: '2s' });
  assert.throws(
    () => instantiate(s, { models: [{ kind: 'source', model: 'source.profile' }, { kind: 'server', model: 'server.queue' }] }, { config: 'q', instantiation: 'one', seed: 1, catalog }),
    (e: unknown) => e instanceof PlanError && e.problems.some((p) => p.where === 'srv' && /does not keep account of crashes/.test(p.message)),
  );
});

test('a drawn recovery past 2^53 ps never comes: the crash is for good, and the plan stays exact', () => {
  const { s, t } = ring(20);
  s.faults.crashes(t, { meanUp: '1s', meanDown: '2h', until: '10s' });
  const p = plan(s);
  let forGood = 0;
  for (const c of p.faults!.crashes) {
    for (const w of c.windows) assert.ok(w.until === undefined || w.until <= MAX_TIME);
    if (c.windows.at(-1)!.until === undefined) forGood++;
  }
  assert.ok(forGood > 0, 'a mean down time of 2 h passes 2.5 h for some of 20 components');
  assert.deepEqual(parsePlan(serializePlan(p)).faults, p.faults);
});
