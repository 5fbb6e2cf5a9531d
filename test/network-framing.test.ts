/**
 * Framing: Ethernet by default (38 bytes of header, FCS, preamble and gap per frame), or
 * point-to-point (`framing: 'ppp'`, 2 bytes, as ns-3's PointToPointNetDevice) for comparisons.
 * A saturated link carries 2.4 % more 1448-byte UDP payloads with point-to-point framing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, SEC, serializationTime } from '@splitsim/kernel';
import { ETHERNET_OVERHEAD, TCP_HEADER, UDP_HEADER } from '@splitsim/models';
import { System, switchPort } from '@splitsim/system';
import { runNetwork, stat } from './network-util.ts';

function pair(framing: 'ethernet' | 'ppp', app: 'udp' | 'tcp'): System {
  const system = new System(`framing-${framing}`);
  const sw = system.add('switch', 'sw', { ports: 2 });
  const rx = system.add('host', 'rx', { apps: [app === 'udp' ? { type: 'udp-sink' } : { type: 'tcp-sink' }], framing });
  const tx = system.add('host', 'tx', { apps: [app === 'udp' ? { type: 'udp-cbr', dst: 'rx', rate: '12Gbps' } : { type: 'tcp-bulk', dst: 'rx' }], framing });
  system.link(sw.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  system.link(sw.port(switchPort(1)), tx.port('eth'), { latency: '500ns', bandwidth: '10Gbps' });
  return system;
}

test('UDP at line rate: 1514-byte Ethernet frames, 1478-byte point-to-point frames', () => {
  const until = 1 * MS;
  const eth = stat<number>(runNetwork(pair('ethernet', 'udp'), until).metrics, 'rx', 'udpReceived');
  const ppp = stat<number>(runNetwork(pair('ppp', 'udp'), until).metrics, 'rx', 'udpReceived');
  // The sender's link is the bottleneck: one frame per serialization, minus the path's fill time.
  const frames = (bytes: number) => until / serializationTime(bytes, 10e9);
  const near = (got: number, want: number) => got <= want && got >= want - 4;
  assert.ok(near(eth, frames(1448 + UDP_HEADER + ETHERNET_OVERHEAD)), `${eth} Ethernet frames`);
  assert.ok(near(ppp, frames(1448 + UDP_HEADER + 2)), `${ppp} point-to-point frames`);
  assert.ok(ppp / eth > 1.023 && ppp / eth < 1.026, `ratio ${(ppp / eth).toFixed(4)}`);
});

test('TCP goodput ceiling: 1448 of 1538 bytes with Ethernet, 1448 of 1502 point-to-point', () => {
  const until = 20 * MS;
  const goodput = (f: 'ethernet' | 'ppp') => (stat<number>(runNetwork(pair(f, 'tcp'), until).metrics, 'tx', 'tcpAckedBytes') * 8) / (until / SEC);
  const eth = goodput('ethernet');
  const ppp = goodput('ppp');
  assert.ok(eth <= (10e9 * 1448) / (1448 + TCP_HEADER + ETHERNET_OVERHEAD) && eth > 0.97 * (10e9 * 1448) / 1538, `${(eth / 1e9).toFixed(3)} Gbps`);
  assert.ok(ppp <= (10e9 * 1448) / (1448 + TCP_HEADER + 2) && ppp > 0.97 * (10e9 * 1448) / 1502, `${(ppp / 1e9).toFixed(3)} Gbps`);
});
