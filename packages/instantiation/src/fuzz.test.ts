import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkPlan, instantiate, PlanError, roundRobin } from '@splitsim/instantiation';
import { System } from '@splitsim/system';

const unitish = fc.constantFrom('10Gbps', '500ns', '3GHz', '16GiB', '100packets', '64KiB', '-1ns', '1e400ps', '0.5ps', 'NaN', '', ' 7 ', '10 Gbit', '9007199254740993ps');
const value = fc.oneof(
  unitish,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, Infinity, NaN, null, undefined, true),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withObjectString: true, withBoxedValues: true, withMap: true }),
);
const keys = fc.constantFrom('cores', 'clock', 'memory', 'ip', 'apps', 'mtu', 'queue', 'ports', 'buffer', 'ecnThreshold', 'rate', 'jobs', 'servers', 'capacity', 'type', 'dst', 'port', 'foo', '__proto__', 'constructor', 'toString');
const app = fc.record(
  { type: fc.constantFrom('udp-sink', 'udp-cbr', 'udp-poisson', 'tcp-bulk', 'tcp-sink', 'rpc-client', 'rpc-server', 'nope'), dst: fc.constantFrom('h0', 'h1', 'nowhere'), server: fc.constantFrom('h0', 'h1'), rate: value, port: value, size: value },
  { requiredKeys: ['type'] },
);
const params = fc.oneof(
  fc.dictionary(keys, fc.oneof(value, fc.array(app, { maxLength: 3 }))),
  fc.record({ ports: fc.integer({ min: -2, max: 6 }), buffer: value, ecnThreshold: value }, { requiredKeys: [] }),
  fc.record({ apps: fc.array(app, { maxLength: 3 }), cores: value, clock: value, ip: fc.oneof(fc.ipV4(), value) }, { requiredKeys: [] }),
  value,
);
const linkOptions = fc.oneof(fc.record({ latency: value, bandwidth: value, noCut: fc.oneof(fc.boolean(), value), kind: fc.constantFrom('network', 'pci', 'wifi', undefined) }, { requiredKeys: [] }), value);
const kind = fc.constantFrom('host', 'nic', 'switch', 'source', 'server', 'sink', 'phold', 'router', '');
const port = fc.constantFrom('eth', 'pci', 'p0', 'p1', 'p7', 'in', 'out', '', 'x');

/** Either a plan that holds together or a PlanError; never any other exception. */
function resolves(build: (system: System) => void, instances: number): void {
  const system = new System('fuzz');
  build(system);
  system.resolve();
  try {
    const plan = instantiate(system, { partition: roundRobin(instances) }, { config: 'fuzz', instantiation: 'fuzz', seed: 1 });
    assert.deepEqual(checkPlan(plan), []);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    assert.ok(err.problems.length > 0);
    for (const p of err.problems) assert.ok(typeof p.where === 'string' && p.where.length > 0 && typeof p.message === 'string' && p.message.length > 0);
  }
}

test('fuzzed component parameters never crash the validator', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(kind, params), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (components, instances) => {
      resolves((system) => components.forEach(([k, p], i) => system.add(k, i < 2 ? `h${i}` : `c${i}`, p as Record<string, unknown>)), instances);
    }),
    { numRuns: 400 },
  );
});

test('fuzzed links and link options never crash the validator', () => {
  const end = fc.record({ component: fc.oneof(fc.integer({ min: -1, max: 5 }), value), port });
  fc.assert(
    fc.property(fc.array(fc.tuple(end, end, linkOptions), { maxLength: 6 }), fc.integer({ min: 1, max: 4 }), (links, instances) => {
      resolves((system) => {
        system.add('switch', 'sw', { ports: 4 });
        system.add('host', 'h0', { apps: [{ type: 'tcp-sink' }] });
        system.add('host', 'h1', { apps: [{ type: 'tcp-bulk', dst: 'h0' }] });
        system.add('nic', 'h1/nic');
        system.add('source', 'src', { rate: 1 });
        system.add('sink', 'snk', {});
        for (const [a, b, o] of links) system.link(a as never, b as never, o as never);
      }, instances);
    }),
    { numRuns: 400 },
  );
});
