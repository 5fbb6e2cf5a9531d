import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { units } from '@splitsim/kernel';
import { capacity, frequency, size } from '@splitsim/system';
import { builtinCatalog } from './builtin-catalog.ts';
import { describeParams, type ParamInfo } from './describe.ts';

const byName = (list: ParamInfo[]) => Object.fromEntries(list.map((p) => [p.name, p]));

test('defaults of unit schemas are shown as a user writes them', () => {
  const p = byName(describeParams(z.object({
    clock: frequency().default(3e9),
    slow: frequency().default(2.4e9),
    memory: size().default(16 * 1024 ** 3),
    mtu: size().default(1500),
    buffer: capacity().default({ unit: 'packets', size: 100 }),
    bytes: capacity().default({ unit: 'bytes', size: 65536 }),
    delay: units.time().default(1_000_000),
    given: units.time('250ns'),
    link: units.rate('10Gbps'),
    jobs: z.number().int().default(Number.MAX_SAFE_INTEGER),
  }).strict()));
  assert.deepEqual(
    Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.default])),
    { clock: '3GHz', slow: '2.4GHz', memory: '16GiB', mtu: '1500B', buffer: '100packets', bytes: '64KiB', delay: '1us', given: '250ns', link: '10Gbps', jobs: 'unlimited' },
  );
  assert.equal(p.clock!.type, 'frequency');
  assert.equal(p.buffer!.type, 'capacity');
});

test('a union of objects told apart by `type` lists the types, under its title when it has one', () => {
  const law = z.discriminatedUnion('type', [
    z.object({ type: z.literal('exponential'), mean: z.number() }).strict(),
    z.object({ type: z.literal('erlang'), k: z.number(), mean: z.number() }).strict(),
  ]);
  const p = byName(describeParams(z.object({
    service: law.meta({ title: 'distribution' }),
    byClass: z.array(law.meta({ title: 'distribution' })).optional(),
    untitled: law,
    customers: z.union([z.number().int().nonnegative(), z.object({ from: z.number(), to: z.number() }).strict()]),
    options: z.object({ a: z.number(), b: z.string().optional() }).strict().optional(),
    apps: z.array(z.looseObject({ type: z.string() })).default([]),
  }).strict()));
  assert.equal(p.service!.type, 'distribution: type exponential | erlang');
  assert.equal(p.byClass!.type, 'array of distribution: type exponential | erlang');
  assert.equal(p.untitled!.type, 'object: type exponential | erlang');
  assert.equal(p.customers!.type, 'integer ≥ 0 or object { from, to }');
  assert.equal(p.options!.type, 'object { a, b }');
  assert.equal(p.apps!.type, 'array of object { type, … }');
});

test('a parameter an instantiation step derives is marked so, not required', () => {
  const net = z.object({ address: z.number() }).strict().meta({ derived: 'network step' });
  const [p] = describeParams(z.object({ net }).strict());
  assert.deepEqual(p, { name: 'net', type: 'object { address }', required: false, derived: 'network step' });
});

test('the built-in models: units, distributions and net as the listing shows them', () => {
  const params = (model: string) => byName(describeParams(builtinCatalog().models.get(model)!.spec.params));
  const host = params('host.protocol');
  assert.deepEqual([host.clock!.default, host.memory!.default], ['3GHz', '16GiB']);
  assert.equal(host.net!.derived, 'network step');
  assert.match(host.tcp!.type, /^object \{ mss, initialCwnd, .*ackEvery/);
  assert.equal(params('switch.packet').buffer!.default, '100packets');
  assert.equal(params('switch.packet').net!.derived, 'network step');
  assert.equal(params('nic.detailed').net!.required, false);
  assert.match(params('server.queue').service!.type, /^distribution: type deterministic \| uniform \| exponential \| erlang \| /);
  assert.equal(params('source.profile').profile!.type, 'profile: type spike | piecewise');
});
