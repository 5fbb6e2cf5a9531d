/**
 * The retransmission timer when the RTO is above its floor (issue 14's hang): srtt + 4·rttvar
 * carries fractions of a picosecond, and a deadline with a fraction left over looked early at the
 * whole picosecond the kernel fires the timer at, re-armed it at delay 0, and simulated time never
 * moved again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS } from '@splitsim/kernel';
import { System, switchPort } from '@splitsim/system';
import { runNetwork, stat } from './network-util.ts';

/** One bulk sender on a 10 Gbps link behind a switch whose port to the receiver is 1 Gbps (100-packet buffer). */
function slowPort(tcp?: Record<string, unknown>): System {
  const system = new System('rto');
  const sw = system.add('switch', 'sw', { ports: 2, buffer: 100 });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }] });
  const h = system.add('host', 'h1', { apps: [{ type: 'tcp-bulk', dst: 'rx' }], ...(tcp ? { tcp } : {}) });
  system.link(sw.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '1Gbps' });
  system.link(sw.port(switchPort(1)), h.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  return system;
}

test('a timeout with the RTO above its 1 ms floor fires and the run reaches its end', () => {
  // The run takes about 33 000 events; the hang spun forever at one time. The cap turns a hang
  // into a failed assertion instead of a stalled suite.
  const r = runNetwork(slowPort(), 100 * MS, { maxEvents: 5_000_000 });
  assert.equal(r.now, 100 * MS);
  assert.ok(stat<number>(r.metrics, 'h1', 'tcpTimeouts') >= 1, 'the retransmission timer fired');
  // Round trips through the full 1 Gbps queue (about 1.2 ms) put the RTO above the floor.
  assert.ok(stat<{ max: number }>(r.metrics, 'h1', 'tcpRtt').max > 1 * MS);
  // The flow goes on after the timeout: most of the 100 ms carries data at the bottleneck's rate.
  assert.ok(stat<number>(r.metrics, 'h1', 'tcpAckedBytes') > 0.5 * (1e9 / 8) * 0.1);
});
