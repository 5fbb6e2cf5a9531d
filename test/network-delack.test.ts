/**
 * Delayed acknowledgements (`tcp: { ackEvery: 2 }`, RFC 5681 §4.2): half the acknowledgements,
 * the same line rate, fair DCTCP sharing with the CE echo of RFC 8257 §3.2, loss recovery, and
 * the delayed-ACK timer for a lone segment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, SEC, US } from '@splitsim/kernel';
import { System, switchPort } from '@splitsim/system';
import type { AppInput } from '@splitsim/models';
import { runNetwork, stat, total } from './network-util.ts';

const DELAYED = { ackEvery: 2 };

/** `senders` hosts on `access` links into one switch whose port to the receiver (10 Gbps) is the bottleneck. */
function bottleneck(senders: number, access: string, apps: (i: number) => AppInput[], tcp: Record<string, unknown>, sw: Record<string, unknown> = {}): System {
  const system = new System(`delack-${senders}`);
  const s = system.add('switch', 'sw', { ports: senders + 1, buffer: 100, ...sw });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }], tcp });
  system.link(s.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  for (let i = 1; i <= senders; i++) {
    const h = system.add('host', `h${i}`, { apps: apps(i), tcp });
    system.link(s.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: access });
  }
  return system;
}

const goodput = (metrics: ReturnType<typeof runNetwork>['metrics'], host: string, duration: number) => (stat<number>(metrics, host, 'tcpAckedBytes') * 8) / (duration / SEC);

function jain(x: number[]): number {
  const sum = x.reduce((a, b) => a + b, 0);
  return (sum * sum) / (x.length * x.reduce((a, b) => a + b * b, 0));
}

test('delayed ACK: one NewReno flow keeps ≥ 90 % of a 10 Gbps link with half the acknowledgements', () => {
  const app = () => [{ type: 'tcp-bulk' as const, dst: 'rx' }];
  const delayed = runNetwork(bottleneck(1, '10Gbps', app, DELAYED), 20 * MS);
  const every = runNetwork(bottleneck(1, '10Gbps', app, {}), 20 * MS);
  const g = goodput(delayed.metrics, 'h1', 20 * MS);
  assert.ok(g >= 0.9 * 10e9, `goodput ${(g / 1e9).toFixed(3)} Gbps`);
  const acks = (m: typeof every.metrics) => stat<number>(m, 'rx', 'packetsSent') / stat<number>(m, 'h1', 'tcpSegments');
  assert.ok(Math.abs(acks(every.metrics) - 1) < 0.01, `one ACK per segment: ${acks(every.metrics)}`);
  assert.ok(acks(delayed.metrics) > 0.45 && acks(delayed.metrics) < 0.55, `ACKs per segment ${acks(delayed.metrics).toFixed(3)}`);
  assert.ok(delayed.events < 0.85 * every.events, `events ${delayed.events} against ${every.events}`);
});

test('delayed ACK: four DCTCP flows share a bottleneck fairly with no drops; NewReno recovers from losses', () => {
  const apps = (cc: 'reno' | 'dctcp') => (i: number): AppInput[] => [{ type: 'tcp-bulk', dst: 'rx', congestion: cc, start: (i - 1) * 10 * US }];
  const dctcp = runNetwork(bottleneck(4, '40Gbps', apps('dctcp'), DELAYED, { ecnThreshold: 20 }), 30 * MS);
  const g = [1, 2, 3, 4].map((i) => goodput(dctcp.metrics, `h${i}`, 30 * MS));
  const sum = g.reduce((a, b) => a + b, 0);
  assert.ok(jain(g) >= 0.9, `Jain ${jain(g).toFixed(4)}: ${g.map((x) => (x / 1e9).toFixed(2)).join(', ')} Gbps`);
  assert.ok(sum >= 0.9 * 10e9, `total ${(sum / 1e9).toFixed(3)} Gbps`);
  assert.equal(stat<number>(dctcp.metrics, 'sw', 'drops'), 0);
  assert.ok(stat<number>(dctcp.metrics, 'sw', 'ecnMarks') > 100);

  const reno = runNetwork(bottleneck(4, '40Gbps', apps('reno'), DELAYED), 30 * MS);
  const r = [1, 2, 3, 4].map((i) => goodput(reno.metrics, `h${i}`, 30 * MS));
  assert.ok(r.reduce((a, b) => a + b, 0) >= 0.9 * 10e9);
  assert.ok(stat<number>(reno.metrics, 'sw', 'drops') > 0);
  assert.ok(total(reno.metrics, 'tcpFastRetransmits') > 0, 'out-of-order segments are acknowledged at once, so duplicate ACKs still drive fast retransmit');
});

test('delayed ACK: a lone segment is acknowledged when the timer runs out; finite flows finish', () => {
  // One 1000-byte message: no second segment comes, so the ACK waits for delayedAckTimeout.
  const timeout = 40 * US;
  const one = runNetwork(bottleneck(1, '10Gbps', () => [{ type: 'tcp-bulk', dst: 'rx', bytes: 1000 }], DELAYED), 1 * MS);
  const done = stat<{ count: number; mean: number }>(one.metrics, 'h1', 'tcpFlowCompletion');
  assert.equal(done.count, 1);
  assert.ok(done.mean > timeout && done.mean < timeout + 10 * US, `completion ${done.mean} ps`);
  const bytes = 3_000_000;
  const many = runNetwork(bottleneck(4, '40Gbps', () => [{ type: 'tcp-bulk', dst: 'rx', bytes }], DELAYED, { buffer: 20 }), 20 * MS);
  assert.equal(total(many.metrics, 'tcpFlowsDone'), 4);
  assert.equal(stat<number>(many.metrics, 'rx', 'tcpDeliveredBytes'), 4 * bytes);
});
