/**
 * Packet-level network with UDP traffic: routing tables, ECMP, conservation of packets, drop-tail
 * limits, and the M/D/1 queueing delay of a switch port fed by Poisson traffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, serializationTime, US } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { ETHERNET_OVERHEAD, groupAt, UDP_HEADER, type SwitchNet } from '@splitsim/models';
import { fatTree, System, switchPort } from '@splitsim/system';
import { runNetwork, stat, total, type NetRun } from './network-util.ts';

const FRAME = 1448 + UDP_HEADER + ETHERNET_OVERHEAD; // 1514 bytes on the wire

/** Every packet a host sent is delivered, dropped (where counted), queued, or on a link. */
function assertConservation(r: NetRun): { sent: number; delivered: number; dropped: number; queued: number; inFlight: number } {
  const sent = total(r.metrics, 'packetsSent');
  const delivered = total(r.metrics, 'rxPackets', 'host.protocol');
  const dropped = total(r.metrics, 'drops') + total(r.metrics, 'noRoute');
  const queued = total(r.metrics, 'queuedAtEnd');
  const inFlight = total(r.metrics, 'txPackets') - total(r.metrics, 'rxPackets');
  assert.ok(inFlight >= 0, `more packets received (${total(r.metrics, 'rxPackets')}) than transmitted (${total(r.metrics, 'txPackets')})`);
  assert.equal(sent, delivered + dropped + queued + inFlight, `sent ${sent} ≠ delivered ${delivered} + dropped ${dropped} + queued ${queued} + in flight ${inFlight}`);
  return { sent, delivered, dropped, queued, inFlight };
}

test('network step: a k=4 fat tree gets shortest paths with two-way ECMP upward', () => {
  const system = new System('ft4');
  const ft = fatTree({ system, k: 4 });
  const plan = instantiate(system, {}, { config: 'ft4', instantiation: 'test', seed: 1 });
  const params = (path: string) => plan.components.find((c) => c.path === path)!.params;
  assert.equal(plan.components.filter((c) => c.model === 'host.protocol').length, 16);
  assert.equal(plan.components.filter((c) => c.model === 'switch.packet').length, 20);
  // The system itself is left as declared: routes live in the plan.
  assert.equal(system.find('core0')!.params.net, undefined);
  const net = (path: string) => params(path).net as SwitchNet;
  const addr = (path: string) => (params(path).net as { address: number }).address;
  const ports = (sw: string, dst: string) => net(sw).groups[groupAt(net(sw), addr(dst))]!;
  // Edge switch: its own hosts on p0/p1, everything else up through both aggregation switches.
  assert.deepEqual(ports('pod0/rack0/tor', 'pod0/rack0/host1'), [1]);
  assert.deepEqual(ports('pod0/rack0/tor', 'pod0/rack1/host0'), [2, 3]);
  assert.deepEqual(ports('pod0/rack0/tor', 'pod3/rack1/host1'), [2, 3]);
  // Aggregation switch: down to the right edge inside the pod, up through both cores outside it.
  assert.deepEqual(ports('pod0/agg1', 'pod0/rack1/host0'), [1]);
  assert.deepEqual(ports('pod0/agg1', 'pod2/rack0/host0'), [2, 3]);
  // Core: one port per pod.
  assert.deepEqual(ports('core3', 'pod2/rack1/host1'), [2]);
  assert.equal(ft.hosts.length, 16);
  assert.deepEqual(net('core0').rates, [10e9, 10e9, 10e9, 10e9]);
});

test('network step names what is missing: links without bandwidth, switch ports not named p<i>', () => {
  const system = new System('bad');
  const sw = system.add('switch', 'sw', { ports: 2 });
  const h = system.add('host', 'h', {});
  system.link(sw.port('x'), h.port('eth'), { latency: '1us' });
  assert.throws(() => instantiate(system, {}, { config: 'bad', instantiation: 'test', seed: 1 }), (err: Error) => /sw\.x: switch ports must be named p0/.test(err.message));
});

test('conservation: an overloaded fat tree drops at the congested ToR, and every packet is accounted for', () => {
  const system = new System('ft4-overload');
  // Every host of pods 1–3 sends 4 Gbps to pod0/rack0/host0: 12 × 4 Gbps into one 10 Gbps port.
  fatTree({
    system,
    k: 4,
    switch: { buffer: 50 },
    host: (s) =>
      s.pod === 0 && s.rack === 0 && s.host === 0
        ? { apps: [{ type: 'udp-sink' }] }
        : s.pod > 0
          ? { apps: [{ type: 'udp-cbr', dst: 'pod0/rack0/host0', rate: '4Gbps', start: s.index * 1000 }] }
          : {},
  });
  const r = runNetwork(system, 200 * US + 123_456);
  const c = assertConservation(r);
  assert.ok(c.dropped > 300, `expected heavy drops, got ${c.dropped}`);
  assert.ok(c.queued > 0 && c.inFlight > 0, 'the run stops mid-flow, with packets queued and on links');
  // Drops happen only on the way into pod 0 (cores, pod 0's switches), never at the senders.
  for (const m of r.metrics) {
    if ((m.stats.drops as number) > 0) assert.match(m.path, /^(core\d|pod0\/)/, `${m.path} dropped packets`);
  }
  assert.ok(stat<number>(r.metrics, 'pod0/rack0/tor', 'drops') > 0);
  // The sink receives at line rate: 10 Gbps of 1514-byte frames, minus the time to fill the path.
  const received = stat<number>(r.metrics, 'pod0/rack0/host0', 'udpReceived');
  const lineRate = (200 * US) / serializationTime(FRAME, 10e9);
  assert.ok(received > 0.95 * lineRate && received <= lineRate + 1, `sink got ${received}, line rate allows ${lineRate.toFixed(0)}`);
});

test('conservation after draining: sent = received + dropped, queues empty, latency never below physics', () => {
  const system = new System('ft4-perm');
  // A permutation across pods at 3 Gbps, plus two senders sharing one sink to force some drops.
  const perm = (i: number) => (i + 4) % 16;
  const path = (i: number) => `pod${i >> 2}/rack${(i >> 1) & 1}/host${i & 1}`;
  fatTree({
    system,
    k: 4,
    switch: { buffer: 10 },
    host: (s) => ({
      apps: [
        { type: 'udp-sink' },
        { type: 'udp-cbr', dst: path(perm(s.index)), rate: '3Gbps', start: (s.index * 7) * 100_000, stop: 300 * US },
        ...(s.index < 2 ? [{ type: 'udp-poisson' as const, dst: path(15), rate: '5Gbps', port: 9, start: 0, stop: 300 * US }] : []),
      ],
    }),
  });
  const r = runNetwork(system, 2 * MS);
  const c = assertConservation(r);
  assert.equal(c.queued, 0);
  assert.equal(c.inFlight, 0);
  assert.equal(total(r.metrics, 'udpSent'), total(r.metrics, 'udpReceived') + c.dropped);
  assert.ok(c.dropped > 0, 'the two Poisson senders overload host15 now and then');
  // Lowest possible latency between pods: 6 links of 500 ns and 6 serializations of a frame.
  const minLatency = 6 * (500 * 1000 + serializationTime(FRAME, 10e9));
  for (const m of r.metrics) {
    const lat = m.stats.udpLatency as { count: number; min: number } | undefined;
    if (lat && lat.count > 0) assert.ok(lat.min >= minLatency, `${m.path}: latency ${lat.min} ps below ${minLatency} ps`);
  }
});

test('ECMP: a permutation across pods uses every core switch and both uplinks of each edge', () => {
  const system = new System('ft4-ecmp');
  const path = (i: number) => `pod${i >> 2}/rack${(i >> 1) & 1}/host${i & 1}`;
  // Four flows per host (distinct source ports) so that hashing has something to spread.
  fatTree({
    system,
    k: 4,
    host: (s) => ({
      apps: [
        { type: 'udp-sink' },
        ...[0, 1, 2, 3].map((j) => ({ type: 'udp-cbr' as const, dst: path((s.index + 4 + j) % 16), rate: '500Mbps' })),
      ],
    }),
  });
  const r = runNetwork(system, 400 * US);
  const cores = [0, 1, 2, 3].map((i) => stat<number>(r.metrics, `core${i}`, 'txPackets'));
  const all = cores.reduce((a, b) => a + b, 0);
  assert.ok(all > 1000);
  // 64 flows hashed over 4 cores: each core carries a fair share, none is idle.
  for (const [i, n] of cores.entries()) assert.ok(n > 0.12 * all && n < 0.4 * all, `core${i} carries ${n} of ${all} packets`);
  // Both aggregation switches of every pod carry upward traffic.
  for (let p = 0; p < 4; p++) for (const a of [0, 1]) assert.ok(stat<number>(r.metrics, `pod${p}/agg${a}`, 'txPackets') > 0.1 * all, `pod${p}/agg${a}`);
  assert.equal(total(r.metrics, 'drops'), 0);
});

test('drop-tail in bytes: a port never holds more bytes than its buffer', () => {
  const system = new System('bytes');
  const sw = system.add('switch', 'sw', { ports: 3, buffer: '16KB' });
  const sink = system.add('host', 'sink', { apps: [{ type: 'udp-sink' }] });
  system.link(sw.port(switchPort(0)), sink.port('eth'), { latency: '500ns', bandwidth: '1Gbps' });
  for (const i of [1, 2]) {
    const h = system.add('host', `h${i}`, { apps: [{ type: 'udp-cbr', dst: 'sink', rate: '900Mbps' }] });
    system.link(sw.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  }
  const r = runNetwork(system, 1 * MS);
  const wait = stat<{ max: number; count: number }>(r.metrics, 'sw', 'queueWait');
  const ser = serializationTime(FRAME, 1e9);
  // 16 000 bytes hold 10 frames: one on the wire and at most 9 ahead of a newcomer.
  assert.ok(wait.max <= 9 * ser, `waited ${wait.max} ps, more than 9 frames (${9 * ser} ps)`);
  assert.ok(wait.max >= 8 * ser, `the buffer should fill up; longest wait ${wait.max} ps`);
  assert.ok(stat<number>(r.metrics, 'sw', 'drops') > 0);
  assertConservation(r);
});

test('M/D/1: a switch port fed by Poisson UDP of fixed-size packets waits ρS/(2(1−ρ)) on average (within 5 %)', () => {
  const rho = 0.6;
  const senders = 4;
  const service = serializationTime(FRAME, 10e9);
  const lambda = rho / (service / 1e12); // packets per second
  const system = new System('md1');
  const sw = system.add('switch', 'sw', { ports: senders + 1, buffer: 10_000 });
  const sink = system.add('host', 'sink', { apps: [{ type: 'udp-sink' }] });
  system.link(sw.port(switchPort(0)), sink.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  for (let i = 1; i <= senders; i++) {
    // Very fast access links, so the switch sees the superposition of the Poisson streams.
    const h = system.add('host', `h${i}`, { apps: [{ type: 'udp-poisson', dst: 'sink', rate: (lambda / senders) * 1448 * 8 }] });
    system.link(sw.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: '1Tbps' });
  }
  const r = runNetwork(system, 400 * MS, { seed: 7 });
  const wait = stat<{ mean: number; count: number }>(r.metrics, 'sw', 'queueWait');
  const theory = (rho * service) / (2 * (1 - rho));
  assert.ok(wait.count > 150_000, `only ${wait.count} packets`);
  const error = Math.abs(wait.mean - theory) / theory;
  assert.ok(error < 0.05, `mean wait ${wait.mean.toFixed(0)} ps, M/D/1 says ${theory.toFixed(0)} ps (${(error * 100).toFixed(2)} % off)`);
});
