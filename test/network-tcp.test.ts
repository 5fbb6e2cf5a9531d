/**
 * TCP over the packet-level network: line rate on an idle path, fair sharing of a bottleneck
 * (NewReno and DCTCP), loss recovery delivering every byte, and request/response RPC latency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, SEC, serializationTime, US } from '@splitsim/kernel';
import { ETHERNET_OVERHEAD, TCP_HEADER } from '@splitsim/models';
import { System, switchPort } from '@splitsim/system';
import type { AppInput } from '@splitsim/models';
import { runNetwork, stat, total } from './network-util.ts';

const MSS = 1448;

/** `senders` hosts on `access` links into one switch whose port to the receiver (10 Gbps) is the bottleneck. */
function bottleneck(senders: number, access: string, apps: (i: number) => AppInput[], sw: Record<string, unknown> = {}): System {
  const system = new System(`tcp-${senders}`);
  const s = system.add('switch', 'sw', { ports: senders + 1, buffer: 100, ...sw });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }] });
  system.link(s.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  for (let i = 1; i <= senders; i++) {
    const h = system.add('host', `h${i}`, { apps: apps(i) });
    system.link(s.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: access });
  }
  return system;
}

function jain(x: number[]): number {
  const sum = x.reduce((a, b) => a + b, 0);
  return (sum * sum) / (x.length * x.reduce((a, b) => a + b * b, 0));
}

/** Goodput of each sender (payload bits per second acknowledged) over `duration` ps. */
function goodputs(metrics: ReturnType<typeof runNetwork>['metrics'], senders: number, duration: number): number[] {
  return Array.from({ length: senders }, (_, i) => (stat<number>(metrics, `h${i + 1}`, 'tcpAckedBytes') * 8) / (duration / SEC));
}

test('one NewReno flow over an idle 10 Gbps path reaches ≥ 90 % of the link rate', () => {
  const system = bottleneck(1, '10Gbps', () => [{ type: 'tcp-bulk', dst: 'rx' }]);
  const r = runNetwork(system, 20 * MS);
  const [g] = goodputs(r.metrics, 1, 20 * MS);
  // The most a 10 Gbps link carries of 1448-byte payloads behind 90 bytes of headers and framing.
  const ceiling = (10e9 * MSS) / (MSS + TCP_HEADER + ETHERNET_OVERHEAD);
  assert.ok(g! >= 0.9 * 10e9, `goodput ${(g! / 1e9).toFixed(3)} Gbps`);
  assert.ok(g! <= ceiling);
  assert.equal(stat<number>(r.metrics, 'h1', 'tcpRetransmits'), 0);
  // The receiver is ahead of the sender's acknowledged count by at most what is in flight.
  const ahead = stat<number>(r.metrics, 'rx', 'tcpDeliveredBytes') - stat<number>(r.metrics, 'h1', 'tcpAckedBytes');
  assert.ok(ahead >= 0 && ahead < 64 * MSS, `receiver ahead by ${ahead} bytes`);
});

test('four NewReno flows through one 10 Gbps bottleneck share it fairly (Jain ≥ 0.9) at ≥ 90 % utilization', () => {
  const system = bottleneck(4, '40Gbps', (i) => [{ type: 'tcp-bulk', dst: 'rx', start: (i - 1) * 10 * US }]);
  const r = runNetwork(system, 30 * MS);
  const g = goodputs(r.metrics, 4, 30 * MS);
  const sum = g.reduce((a, b) => a + b, 0);
  assert.ok(jain(g) >= 0.9, `Jain ${jain(g).toFixed(4)}: ${g.map((x) => (x / 1e9).toFixed(2)).join(', ')} Gbps`);
  assert.ok(sum >= 0.9 * 10e9, `total ${(sum / 1e9).toFixed(3)} Gbps`);
  // The bottleneck overflows: losses are recovered, mostly by fast retransmit.
  assert.ok(stat<number>(r.metrics, 'sw', 'drops') > 0);
  assert.ok(total(r.metrics, 'tcpFastRetransmits') > 0);
});

test('four DCTCP flows: fair, no drops, and a queue held near the marking threshold', () => {
  const apps = (cc: 'reno' | 'dctcp') => (i: number): AppInput[] => [{ type: 'tcp-bulk', dst: 'rx', congestion: cc, start: (i - 1) * 10 * US }];
  const dctcp = runNetwork(bottleneck(4, '40Gbps', apps('dctcp'), { ecnThreshold: 20 }), 30 * MS);
  const reno = runNetwork(bottleneck(4, '40Gbps', apps('reno')), 30 * MS);
  const g = goodputs(dctcp.metrics, 4, 30 * MS);
  const sum = g.reduce((a, b) => a + b, 0);
  assert.ok(jain(g) >= 0.9, `Jain ${jain(g).toFixed(4)}`);
  assert.ok(sum >= 0.9 * 10e9, `total ${(sum / 1e9).toFixed(3)} Gbps`);
  assert.equal(stat<number>(dctcp.metrics, 'sw', 'drops'), 0);
  assert.ok(stat<number>(dctcp.metrics, 'sw', 'ecnMarks') > 100);
  const wait = (m: typeof reno.metrics) => stat<{ mean: number }>(m, 'sw', 'queueWait').mean;
  // DCTCP keeps the queue around 20 packets where NewReno fills the 100-packet buffer.
  assert.ok(wait(dctcp.metrics) < 0.5 * wait(reno.metrics), `DCTCP waits ${wait(dctcp.metrics)} ps, NewReno ${wait(reno.metrics)} ps`);
  assert.ok(wait(dctcp.metrics) < 30 * serializationTime(MSS + TCP_HEADER + ETHERNET_OVERHEAD, 10e9));
});

test('finite flows through a small buffer lose packets, recover, and deliver every byte', () => {
  const bytes = 3_000_000;
  const system = bottleneck(3, '40Gbps', (i) => [{ type: 'tcp-bulk', dst: 'rx', bytes, start: i * US }], { buffer: 12 });
  const r = runNetwork(system, 100 * MS);
  assert.ok(stat<number>(r.metrics, 'sw', 'drops') > 10, 'the small buffer overflows');
  assert.ok(total(r.metrics, 'tcpRetransmits') > 0);
  for (let i = 1; i <= 3; i++) {
    assert.equal(stat<number>(r.metrics, `h${i}`, 'tcpAckedBytes'), bytes);
    assert.equal(stat<number>(r.metrics, `h${i}`, 'tcpFlowsDone'), 1);
    const fct = stat<{ count: number; mean: number }>(r.metrics, `h${i}`, 'tcpFlowCompletion');
    // No faster than its bytes at line rate.
    assert.ok(fct.mean >= serializationTime(bytes, 10e9), `h${i} finished in ${fct.mean} ps`);
  }
  assert.equal(stat<number>(r.metrics, 'rx', 'tcpDeliveredBytes'), 3 * bytes);
});

test('RPC over TCP: closed-loop latency is the two paths, the serializations and the service time', () => {
  const rpc = (tcp: Record<string, unknown>) => {
    const system = new System('rpc');
    const sw = system.add('switch', 'sw', { ports: 2 });
    const client = system.add('host', 'client', { apps: [{ type: 'rpc-client', server: 'server', requestSize: 64, responseSize: 1024 }], tcp });
    const server = system.add('host', 'server', { apps: [{ type: 'rpc-server', serviceTime: '2us' }], tcp });
    system.link(sw.port(switchPort(0)), client.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
    system.link(sw.port(switchPort(1)), server.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
    return runNetwork(system, 1 * MS);
  };
  const ser = (payload: number) => serializationTime(payload + TCP_HEADER + ETHERNET_OVERHEAD, 10e9);
  // Request: two serializations and two links; service; response likewise.
  const expected = 2 * ser(64) + 2 * 500_000 + 2 * US + 2 * ser(1024) + 2 * 500_000;
  type Lat = { count: number; mean: number; min: number; max: number };
  // Without send jitter, to the picosecond.
  const exact = rpc({ jitter: 0 });
  const lat = stat<Lat>(exact.metrics, 'client', 'rpcLatency');
  assert.ok(lat.count > 100);
  assert.equal(lat.min, expected);
  assert.equal(lat.max, expected);
  // At most the one request in progress when the run ends is served but not yet answered.
  const unanswered = stat<number>(exact.metrics, 'server', 'rpcServed') - lat.count;
  assert.ok(unanswered >= 0 && unanswered <= 1);
  // With the default jitter (below 10 ns per segment sent: the request and the response), a little later.
  const jittered = stat<Lat>(rpc({}).metrics, 'client', 'rpcLatency');
  assert.ok(jittered.min >= expected && jittered.max < expected + 2 * 10_000 && jittered.max > jittered.min, `${jittered.min}…${jittered.max} ps`);
});

test('RPC with several requests outstanding queues them at a one-core server', () => {
  const system = new System('rpc4');
  const sw = system.add('switch', 'sw', { ports: 2 });
  const client = system.add('host', 'client', { apps: [{ type: 'rpc-client', server: 'server', concurrency: 4, requestSize: 3000, responseSize: 5000 }] });
  const server = system.add('host', 'server', { apps: [{ type: 'rpc-server', serviceTime: '10us' }] });
  system.link(sw.port(switchPort(0)), client.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  system.link(sw.port(switchPort(1)), server.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  const r = runNetwork(system, 10 * MS);
  const lat = stat<{ count: number; mean: number }>(r.metrics, 'client', 'rpcLatency');
  // The server is the bottleneck: 10 µs per request, so about 100 per millisecond, each waiting
  // behind the other three outstanding ones (Little's law: latency ≈ 4 × 10 µs).
  assert.ok(Math.abs(lat.count - 1000) <= 5, `${lat.count} requests in 10 ms`);
  assert.ok(Math.abs(lat.mean - 40 * US) < 0.02 * 40 * US, `mean latency ${lat.mean} ps`);
});
