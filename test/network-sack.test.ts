/**
 * Selective acknowledgement (RFC 2018 blocks, RFC 6675 recovery paced by RFC 6937, RACK's loss
 * marking in recovery): a burst of about a hundred losses is repaired within three round trips
 * where NewReno takes one round trip per hole; SACK is used only when both ends have it on;
 * lossy finite flows deliver every byte either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, US } from '@splitsim/kernel';
import type { AppInput } from '@splitsim/models';
import { System, switchPort } from '@splitsim/system';
import { recoveries, runNetwork, stat, total } from './network-util.ts';

/**
 * One sender on a 10 Gbps link into a switch whose port to the receiver is 1 Gbps, 100 packets
 * deep: slow start overshoots it by a window, and every other packet of that window is lost
 * (the sender's 10 Gbps bursts against the 1 Gbps drain), about a hundred in one burst.
 */
function overshoot(senderTcp: Record<string, unknown> = {}, receiverTcp: Record<string, unknown> = senderTcp, apps: AppInput[] = [{ type: 'tcp-bulk', dst: 'rx' }]): System {
  const system = new System('overshoot');
  const sw = system.add('switch', 'sw', { ports: 2, buffer: 100 });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }], tcp: receiverTcp });
  const h = system.add('host', 'h1', { apps, tcp: senderTcp });
  system.link(sw.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '1Gbps' });
  system.link(sw.port(switchPort(1)), h.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  return system;
}

test('SACK repairs a burst of 100 losses within 3 round trips; NewReno needs one round trip per hole', () => {
  const sack = recoveries(overshoot(), 'h1', 10 * MS);
  const first = sack.episodes[0]!;
  // The burst: the first recovery starts with about 200 segments out, half of them lost.
  assert.ok(first.outstanding > 190 * 1448, `${first.outstanding / 1448} segments outstanding`);
  assert.ok(stat<number>(sack.metrics, 'sw', 'drops') >= 100);
  assert.equal(first.timedOut, false, 'recovered by acknowledgements, not by the timer');
  const rtts = (first.end - first.start) / first.srtt;
  assert.ok(rtts <= 3, `SACK recovery took ${((first.end - first.start) / US).toFixed(0)} µs = ${rtts.toFixed(2)} round trips of ${(first.srtt / US).toFixed(0)} µs`);

  const reno = recoveries(overshoot({ sack: false }), 'h1', 100 * MS);
  const slow = reno.episodes[0]!;
  const renoRtts = (slow.end - slow.start) / slow.srtt;
  assert.ok(renoRtts > 20, `NewReno recovery took ${renoRtts.toFixed(1)} round trips`);
});

test('without RACK (RFC 6675 alone, as ns-3.37), the last holes wait for three SACKed segments: one round trip more', () => {
  const rack = recoveries(overshoot(), 'h1', 10 * MS).episodes[0]!;
  const plain = recoveries(overshoot({ rack: false }), 'h1', 10 * MS).episodes[0]!;
  const d = (e: typeof rack) => (e.end - e.start) / e.srtt;
  assert.ok(d(plain) > d(rack) + 0.5, `RFC 6675 ${d(plain).toFixed(2)} round trips, with RACK ${d(rack).toFixed(2)}`);
  assert.equal(plain.timedOut, false);
});

test('SACK is used only when both ends have it on: either end off gives NewReno, bit for bit', () => {
  const off = runNetwork(overshoot({ sack: false }), 10 * MS).metrics;
  const senderOff = runNetwork(overshoot({ sack: false }, {}), 10 * MS).metrics;
  const receiverOff = runNetwork(overshoot({}, { sack: false }), 10 * MS).metrics;
  const on = runNetwork(overshoot(), 10 * MS).metrics;
  assert.deepEqual(senderOff, off);
  assert.deepEqual(receiverOff, off);
  assert.notDeepEqual(on, off);
  // With SACK the receiver's acknowledgements carry blocks: more bytes for the same count.
  const ackBytes = (m: typeof on) => stat<number>(m, 'rx', 'txBytes') / stat<number>(m, 'rx', 'txPackets');
  assert.ok(ackBytes(on) > ackBytes(off));
});

test('finite flows over the overshooting port deliver every byte, with and without SACK and RACK', () => {
  const bytes = 2_000_000;
  for (const tcp of [{}, { rack: false }, { sack: false }]) {
    const r = runNetwork(overshoot(tcp, tcp, [{ type: 'tcp-bulk', dst: 'rx', bytes }]), 200 * MS);
    const label = JSON.stringify(tcp);
    assert.ok(stat<number>(r.metrics, 'sw', 'drops') > 50, `${label}: the port overflows`);
    assert.equal(stat<number>(r.metrics, 'h1', 'tcpFlowsDone'), 1, label);
    assert.equal(stat<number>(r.metrics, 'rx', 'tcpDeliveredBytes'), bytes, label);
    assert.equal(stat<number>(r.metrics, 'h1', 'tcpAckedBytes'), bytes, label);
  }
});

test('RPC over lossy TCP with SACK: every request is answered', () => {
  const system = new System('rpc-loss');
  const sw = system.add('switch', 'sw', { ports: 5, buffer: 8 });
  const server = system.add('host', 'server', { apps: [{ type: 'rpc-server', serviceTime: '1us' }] });
  system.link(sw.port(switchPort(0)), server.port('eth'), { latency: '500ns', bandwidth: '1Gbps' });
  for (let i = 1; i <= 4; i++) {
    const c = system.add('host', `c${i}`, { apps: [{ type: 'rpc-client', server: 'server', concurrency: 8, requestSize: 20_000, responseSize: 300 }] });
    system.link(sw.port(switchPort(i)), c.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  }
  const r = runNetwork(system, 20 * MS);
  assert.ok(stat<number>(r.metrics, 'sw', 'drops') > 0, 'requests overflow the 8-packet port');
  const completed = total(r.metrics, 'rpcCompleted');
  const served = stat<number>(r.metrics, 'server', 'rpcServed');
  // Each client has at most its 8 requests in progress when the run ends.
  assert.ok(completed > 100 && served - completed <= 32 && served >= completed, `completed ${completed}, served ${served}`);
});
