/**
 * DCTCP flows from hosts whose links run at the bottleneck's rate (the case of issue 19: two
 * flows settled at 6.57 and 2.84 Gbps). Such flows arrive in trains locked to the bottleneck's
 * departures; without the hosts' send jitter (tcpParams.jitter) the fixed order of simultaneous
 * arrivals decides every round trip which flow finds the queue over the marking threshold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, SEC, US } from '@splitsim/kernel';
import { System, switchPort } from '@splitsim/system';
import { runNetwork, stat } from './network-util.ts';

const DURATION = 100 * MS;

/** `n` DCTCP senders on 10 Gbps links into a switch whose 10 Gbps port to the receiver is the bottleneck (K = 20 packets). */
function equalRates(n: number, tcp: Record<string, unknown> = {}): System {
  const system = new System(`dctcp-${n}`);
  const sw = system.add('switch', 'sw', { ports: n + 1, buffer: 100, ecnThreshold: 20 });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }], tcp });
  system.link(sw.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  for (let i = 1; i <= n; i++) {
    const h = system.add('host', `h${i}`, { apps: [{ type: 'tcp-bulk', dst: 'rx', congestion: 'dctcp', start: (i - 1) * 10 * US }], tcp });
    system.link(sw.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  }
  return system;
}

function shares(n: number, tcp?: Record<string, unknown>): { jain: number; total: number; gbps: number[] } {
  const r = runNetwork(equalRates(n, tcp), DURATION);
  const gbps = Array.from({ length: n }, (_, i) => (stat<number>(r.metrics, `h${i + 1}`, 'tcpAckedBytes') * 8) / (DURATION / SEC) / 1e9);
  const sum = gbps.reduce((a, b) => a + b, 0);
  return { jain: (sum * sum) / (n * gbps.reduce((a, b) => a + b * b, 0)), total: sum, gbps };
}

for (const n of [2, 4, 8, 16]) {
  test(`${n} DCTCP flows on equal-rate links share a 10 Gbps bottleneck: Jain ≥ 0.95 over 100 ms`, () => {
    const s = shares(n);
    const text = `Jain ${s.jain.toFixed(4)}: ${s.gbps.map((x) => x.toFixed(2)).join(', ')} Gbps`;
    assert.ok(s.jain >= 0.95, text);
    assert.ok(s.total >= 0.93 * 10, `total ${s.total.toFixed(2)} Gbps; ${text}`);
  });
}

test('the cause: without send jitter, two flows lock into unequal shares (Jain below 0.9)', () => {
  const s = shares(2, { jitter: 0 });
  assert.ok(s.jain < 0.9, `Jain ${s.jain.toFixed(4)}: ${s.gbps.map((x) => x.toFixed(2)).join(', ')} Gbps`);
});
