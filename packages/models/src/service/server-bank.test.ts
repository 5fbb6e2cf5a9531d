/**
 * server.bank's lazy completions (a queue brought up to date only when a message reaches it)
 * against its event-driven ones: with `respond` every completion is an event that sends a
 * response, and the push dispatcher ignores responses, so both runs see the same arrivals, draw
 * the same sizes, and must record the same waits and responses: the same numbers, added in
 * another order (by queue when a queue is next touched, not by time), so the means agree to
 * rounding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, SEC, type Component, type ComponentClass } from '@splitsim/kernel';
import { ProfileSource } from './profile-source.ts';
import { PushLb } from './push-lb.ts';
import { ServerBank } from './server-bank.ts';

const MS = SEC / 1000;

/** Same observations: count, min and max exactly, mean and variance to rounding. */
function sameTally(a: Record<string, number>, b: Record<string, number>, what: string): void {
  for (const k of ['count', 'min', 'max']) assert.equal(a[k], b[k], `${what}.${k}`);
  for (const k of ['mean', 'variance']) assert.ok(Math.abs(a[k]! / b[k]! - 1) < 1e-9, `${what}.${k}: ${a[k]} vs ${b[k]}`);
}

function same(l: Record<string, any>, x: Record<string, any>): void {
  for (const k of ['served', 'longestQueue', 'stolen']) assert.equal(l[k], x[k], k);
  assert.ok(Math.abs(l.meanInSystem / x.meanInSystem - 1) < 1e-12, 'meanInSystem');
  sameTally(l.response, x.response, 'response');
  sameTally(l.wait, x.wait, 'wait');
}

function farm(respond: boolean, until?: number) {
  const e = new Engine({ seed: 3 });
  let id = 0;
  const add = <P>(cls: ComponentClass<P>, path: string, params: unknown): Component<P> => e.add(cls, id++, path, cls.spec.params.parse(params));
  const port = (c: Component<unknown>, name: string) => c.ctx.ports.get(name)!;
  const banks = 2;
  const per = 50;
  const stop = 400 * MS;
  const src = add(ProfileSource, 'source', { rate: (0.9 * banks * per) / 0.001, stop });
  const lb = add(PushLb, 'lb', { targets: banks, serversPerTarget: per, probeRate: 1 / 0.001, stop });
  e.connect(port(src, 'out'), port(lb, 'in'), 0);
  const bank: Component<unknown>[] = [];
  for (let b = 0; b < banks; b++) {
    bank.push(add(ServerBank, `bank${b}`, { count: per, service: { type: 'exponential', mean: 0.001 }, warmup: 50 * MS, respond }));
    e.connect(port(lb, `target${b}`), port(bank[b]!, 'in'), 0);
  }
  const r = e.run(until === undefined ? {} : { until });
  return { result: r, stats: e.metrics().filter((m) => m.path.startsWith('bank')).map((m) => m.stats as Record<string, any>) };
}

test('lazy completions record what completion events record', () => {
  const lazy = farm(false);
  const eager = farm(true);
  assert.equal(lazy.result.reason, 'empty');
  assert.equal(lazy.result.now, eager.result.now, 'the run lasts until the last completion either way');
  assert.ok(lazy.result.events < eager.result.events);
  for (let b = 0; b < 2; b++) {
    const l = lazy.stats[b]!;
    const x = eager.stats[b]!;
    assert.ok(l.served > 10_000);
    same(l, x);
  }
});

test('a run stopped before its queues drain counts the same jobs either way', () => {
  const lazy = farm(false, 200 * MS);
  const eager = farm(true, 200 * MS);
  assert.equal(lazy.result.reason, 'until');
  for (let b = 0; b < 2; b++) {
    same(lazy.stats[b]!, eager.stats[b]!);
    assert.ok(lazy.stats[b]!.wait.count > lazy.stats[b]!.response.count, 'jobs still queued at the end have waited but not left');
  }
});
