import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineKind, hostParams, nicParams, switchParams, System, type AppDecl } from '@splitsim/system';

/** Two applications as a model module would declare them (without their behaviour): a TCP sender and its receiver. */
const port = z.number().int().nonnegative();
const APPS = new Map<string, AppDecl>([
  ['tcp-bulk', { type: 'tcp-bulk', description: 'sends', params: z.object({ dst: z.string(), port: port.default(5001) }).strict(), talksTo: (a) => ({ host: a.dst, field: 'dst', protocol: 'tcp', port: a.port, answered: true, listener: 'tcp-sink' }) }],
  ['tcp-sink', { type: 'tcp-sink', description: 'receives', params: z.object({ port: port.default(5001) }).strict(), listens: (a) => ({ protocol: 'tcp', port: a.port }) }],
]);

const messages = (s: System) => s.resolve({ apps: APPS }).problems.map((p) => `${p.where}: ${p.message}`);

test('ids follow declaration order and paths find components', () => {
  const s = new System('t');
  const a = s.add('switch', 'core', { ports: 2 });
  const b = s.add('host', 'rack0/host0');
  assert.deepEqual([a.id, b.id], [0, 1]);
  assert.equal(s.find('rack0/host0')?.id, 1);
  assert.equal(s.pathOf(0), 'core');
  const l = s.link(b.port('eth'), a.port('p1'), { latency: '500ns', bandwidth: '10Gbps' });
  assert.equal(l.latency, 500_000);
  assert.equal(l.bandwidth, 1e10);
  assert.equal(s.linkName(l), 'rack0/host0.eth ↔ core.p1');
  assert.deepEqual(s.resolve().problems, []);
});

test('kind schemas parse units once and fill defaults; resolved params are valid input again', () => {
  const s = new System('t');
  s.add('host', 'h', { clock: '2.5GHz', memory: '1GiB', cores: 4 });
  s.add('nic', 'h/nic', { mtu: '9000B' });
  s.add('switch', 'sw', { ports: 4, buffer: '512KiB', ecnThreshold: '64KiB' });
  s.add('switch', 'sw2', { ports: 2, buffer: '80packets', ecnThreshold: 20 });
  const r = s.resolve();
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.params[0], { cores: 4, clock: 2.5e9, memory: 1024 ** 3, apps: [], ip: '10.0.0.1' });
  assert.deepEqual(r.params[1], { mtu: 9000, queue: 256 });
  assert.deepEqual(r.params[2], { ports: 4, buffer: { unit: 'bytes', size: 512 * 1024 }, ecnThreshold: { unit: 'bytes', size: 64 * 1024 } });
  assert.deepEqual(r.params[3], { ports: 2, buffer: { unit: 'packets', size: 80 }, ecnThreshold: { unit: 'packets', size: 20 } });
  // Models may parse the resolved params with the kind's schema again and get the same values.
  assert.deepEqual(hostParams.parse(r.params[0]), r.params[0]);
  assert.deepEqual(nicParams.parse(r.params[1]), r.params[1]);
  assert.deepEqual(switchParams.parse(r.params[2]), r.params[2]);
});

test('parameter mistakes are collected with the path, the field and a hint', () => {
  const s = new System('t');
  s.add('host', 'a', { coress: 4 });
  s.add('host', 'b', { clock: '3 GHZ' });
  s.add('switch', 'sw', { ports: 2, buffer: 10, ecnThreshold: '1KiB' });
  s.add('switch', 'sw2', {});
  s.add('host', 'c', { apps: [{ type: 'tcp-blk', dst: 'a' }] });
  const m = messages(s);
  assert.equal(m.length, 5);
  assert.match(m[0]!, /^a: unknown parameter "coress" \(did you mean "cores"\?\); parameters of kind host: cores, clock, memory, ip, apps, tcp, framing$/);
  assert.match(m[1]!, /^b: clock: cannot read "3 GHZ" as a frequency; write a number and a unit, e\.g\. "3GHz"/);
  assert.match(m[2]!, /^sw: ecnThreshold: is in bytes but buffer is in packets/);
  assert.equal(m[3], 'sw2: ports: is required (number)');
  assert.equal(m[4], 'c: apps[0]: unknown application type "tcp-blk" (did you mean "tcp-bulk"?); types: tcp-bulk, tcp-sink');
});

test('declaring never throws: duplicate paths, unknown kinds and bad link options are problems', () => {
  const s = new System('t');
  const a = s.add('host', 'x', { apps: [{ type: 'tcp-sink' }] });
  const b = s.add('host', 'x');
  s.add('swich', 'sw', { ports: 1 });
  s.add('host', 'bad path');
  s.link(a.port('eth'), b.port('eth'), { latency: '5 parsecs', bandwidth: '1Gbps' });
  s.link(a.port('pci'), { component: 99, port: 'x' }, { latency: 1 });
  const m = messages(s);
  assert.ok(m.some((x) => /^x: is declared twice \(components 0 and 1\)/.test(x)), m.join('\n'));
  assert.ok(m.some((x) => /^sw: unknown kind "swich" \(did you mean "switch"\?\)/.test(x)));
  assert.ok(m.some((x) => /^bad path: is not a valid path/.test(x)));
  assert.ok(m.some((x) => /^link x\.eth ↔ x\.eth: latency: .*unknown time unit "parsecs"/.test(x)));
  assert.ok(m.some((x) => /^link x\.pci ↔ #-1\.\?: end b is not a port of this system/.test(x)));
  assert.equal(s.components.length, 4);
});

test('hosts without an ip get one in id order, skipping explicit ones; duplicates are problems', () => {
  const s = new System('t');
  s.add('host', 'a');
  s.add('host', 'b', { ip: '10.0.0.1' });
  s.add('host', 'c');
  s.add('host', 'd', { ip: '10.0.0.1' });
  s.add('host', 'e', { ip: '300.1.1.1' });
  const r = s.resolve();
  assert.equal(r.params[0]!.ip, '10.0.0.2');
  assert.equal(r.params[2]!.ip, '10.0.0.3');
  assert.deepEqual(r.problems.map((p) => p.where), ['e', 'd']);
  assert.match(r.problems[1]!.message, /ip 10\.0\.0\.1 is already the address of b/);
});

test('apps are checked by their own schemas and must name hosts that listen where they send', () => {
  const s = new System('t');
  s.add('host', 'a', { apps: [{ type: 'tcp-bulk', dst: 'b' }, { type: 'tcp-bulk', dst: 'c', port: 80 }, { type: 'tcp-bulk', dst: 'nowhere' }, { type: 'tcp-bulk', dst: 'a' }] });
  s.add('host', 'b', { apps: [{ type: 'tcp-sink', port: 80 }] });
  s.add('host', 'c', { apps: [{ type: 'tcp-sink', port: 80 }] });
  s.add('host', 'd', { apps: [{ type: 'tcp-sink', prot: 80 }] });
  const m = messages(s);
  assert.deepEqual(m, [
    'd: apps[0] (tcp-sink): unknown parameter "prot" (did you mean "port"?); parameters of application tcp-sink: port',
    "a: apps[0] (tcp-bulk) sends to b TCP port 5001, where nothing listens; add { type: 'tcp-sink', port: 5001 } to its apps",
    'a: apps[2].dst: no host "nowhere"; name a host by its path',
    'a: apps[3].dst: a host cannot send to itself; name another host',
  ]);
  // Checked applications carry their defaults; without declarations they are left as given.
  assert.deepEqual(s.resolve({ apps: APPS }).params[1]!.apps, [{ type: 'tcp-sink', port: 80 }]);
  assert.deepEqual(s.resolve().params[0]!.apps, [{ type: 'tcp-bulk', dst: 'b' }, { type: 'tcp-bulk', dst: 'c', port: 80 }, { type: 'tcp-bulk', dst: 'nowhere' }, { type: 'tcp-bulk', dst: 'a' }]);
});

test('links: ports the kind lacks, ports joined twice, and link kinds the ports imply', () => {
  const s = new System('t');
  const sw = s.add('switch', 'sw', { ports: 2 });
  const h = s.add('host', 'h');
  const n = s.add('nic', 'h/nic');
  const g = s.add('host', 'g');
  s.link(h.port('pci'), n.port('pci'), { latency: '400ns' });
  s.link(n.port('eth'), sw.port('p0'), { latency: '500ns', bandwidth: '10Gbps' });
  s.link(g.port('eth'), sw.port('p2'), { latency: '500ns', bandwidth: '10Gbps' });
  s.link(g.port('eth'), sw.port('p1'), { latency: '500ns' });
  s.link(h.port('pci'), n.port('eth'), { latency: '1ns', bandwidth: '1Gbps' });
  const r = s.resolve();
  assert.deepEqual(r.linkKinds.slice(0, 2), ['pci', 'network']);
  const m = r.problems.map((p) => `${p.where}: ${p.message}`);
  assert.deepEqual(m, [
    'link g.eth ↔ sw.p2: sw (switch) has no port "p2" (ports: p0 … p1); link one of those',
    'link g.eth ↔ sw.p1: port g.eth is already joined by link g.eth ↔ sw.p2; a port takes one link',
    'link g.eth ↔ sw.p1: is a network link without a bandwidth; add bandwidth, e.g. "10Gbps"',
    'link h.pci ↔ h/nic.eth: port h.pci is already joined by link h.pci ↔ h/nic.pci; a port takes one link',
    'link h.pci ↔ h/nic.eth: port h/nic.eth is already joined by link h/nic.eth ↔ sw.p0; a port takes one link',
    'link h.pci ↔ h/nic.eth: joins a network port to a PCI port; join eth to eth/switch ports, pci to pci',
  ]);
});

test('a PCI link has no bandwidth; service-level kinds take any ports and leave params to the model', () => {
  const s = new System('t');
  const h = s.add('host', 'h');
  const n = s.add('nic', 'h/nic');
  s.link(h.port('pci'), n.port('pci'), { latency: '400ns', bandwidth: '1Gbps' });
  const src = s.add('source', 'src', { rate: 5, anything: true });
  const srv = s.add('server', 'srv', 'not an object' as never);
  s.link(src.port('out'), srv.port('whatever'), { latency: '1us' });
  const m = messages(s);
  assert.deepEqual(m, ['srv: the parameters of kind server must be an object of named values', 'link h.pci ↔ h/nic.pci: is a PCI link, which has a latency but no bandwidth; drop bandwidth']);
  assert.deepEqual(s.resolve().params[2], { rate: 5, anything: true });
});

test('a system can know more kinds', () => {
  const probe = defineKind({ kind: 'probe', description: 'samples a queue', params: z.object({ every: z.number().positive() }).strict() });
  const s = new System('t', { kinds: [probe] });
  s.add('probe', 'p', { every: 2 });
  s.add('probe', 'q', { every: -1 });
  assert.deepEqual(messages(s), ['q: every: Too small: expected number to be >0']);
});
