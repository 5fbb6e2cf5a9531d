/**
 * Detailed hosts and NICs (host.detailed + nic.detailed over a PCI link) against protocol-level
 * hosts: same applications, more events per packet, measurably different latency, nothing lost;
 * and the mixed-fidelity scenario's instantiations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MS, US } from '@splitsim/kernel';
import { instantiate, type ModelRule } from '@splitsim/instantiation';
import { System, switchPort } from '@splitsim/system';
import type { AppInput } from '@splitsim/models';
import config, { clientThroughput, detailedHosts } from '../configs/mixed-fidelity.ts';
import { runNetwork, stat, total } from './network-util.ts';

const RULES: ModelRule[] = [
  { kind: 'host', where: (c) => c.path.startsWith('d'), model: 'host.detailed' },
  { kind: 'host', model: 'host.protocol' },
  { kind: 'nic', model: 'nic.detailed' },
  { kind: 'switch', model: 'switch.packet' },
];

/** Hosts on one switch; names starting with `d` get a NIC component and the detailed models. */
function star(hosts: Array<[string, AppInput[]]>): System {
  const system = new System('star');
  const sw = system.add('switch', 'sw', { ports: hosts.length });
  hosts.forEach(([name, apps], i) => {
    const h = system.add('host', name, { apps });
    if (name.startsWith('d')) {
      const nic = system.add('nic', `${name}/nic`, {});
      system.link(h.port('pci'), nic.port('pci'), { latency: '500ns' });
      system.link(nic.port('eth'), sw.port(switchPort(i)), { latency: '500ns', bandwidth: '10Gbps' });
    } else system.link(h.port('eth'), sw.port(switchPort(i)), { latency: '500ns', bandwidth: '10Gbps' });
  });
  return system;
}

test('a finite TCP flow between detailed hosts delivers every byte, near line rate, at several times the events', () => {
  const bytes = 5_000_000;
  const run = (a: string, b: string) => runNetwork(star([[a, [{ type: 'tcp-bulk', dst: b, bytes }]], [b, [{ type: 'tcp-sink' }]]]), 20 * MS, { models: RULES });
  const detailed = run('d1', 'd2');
  const protocol = run('p1', 'p2');
  assert.equal(stat<number>(detailed.metrics, 'd1', 'tcpAckedBytes'), bytes);
  assert.equal(stat<number>(detailed.metrics, 'd2', 'tcpDeliveredBytes'), bytes);
  const fct = (r: typeof detailed, h: string) => stat<{ mean: number }>(r.metrics, h, 'tcpFlowCompletion').mean;
  // 5 MB at 10 Gbps of 1448-byte segments is at least 4.25 ms; the detailed hosts keep up.
  assert.ok(fct(detailed, 'd1') < 1.15 * fct(protocol, 'p1'), `detailed ${fct(detailed, 'd1')} ps, protocol ${fct(protocol, 'p1')} ps`);
  assert.ok(fct(detailed, 'd1') > fct(protocol, 'p1'));
  // The CPU did the work, the NIC moved the frames by DMA and interrupted the host.
  assert.ok(stat<number>(detailed.metrics, 'd2', 'cpuBusy') > 0.5 * fct(detailed, 'd1'));
  assert.ok(stat<number>(detailed.metrics, 'd1/nic', 'dmaReads') >= bytes / 1448);
  assert.ok(stat<number>(detailed.metrics, 'd2/nic', 'interrupts') > 100);
  assert.ok(detailed.events > 2.5 * protocol.events, `${detailed.events} events detailed, ${protocol.events} protocol`);
});

test('RPC latency: detailed hosts add PCI round trips, CPU time and interrupts to every request', () => {
  const apps = (client: string, server: string): Array<[string, AppInput[]]> => [
    [client, [{ type: 'rpc-client', server, requestSize: 64, responseSize: 1024 }]],
    [server, [{ type: 'rpc-server', serviceTime: '2us' }]],
  ];
  const latency = (client: string, server: string) => {
    const r = runNetwork(star(apps(client, server)), 2 * MS, { models: RULES });
    return stat<{ mean: number; count: number }>(r.metrics, client, 'rpcLatency');
  };
  const protocol = latency('p1', 'p2');
  const detailed = latency('d1', 'd2');
  const mixed = latency('d1', 'p2');
  // Each of the four host crossings adds at least 1.5 µs: doorbell, DMA read round trip and send
  // cost on the way out; DMA write, interrupt and receive cost on the way in.
  assert.ok(detailed.mean > protocol.mean + 4 * 1.5 * US, `detailed ${detailed.mean} ps, protocol ${protocol.mean} ps`);
  assert.ok(mixed.mean > protocol.mean + 2 * 1.5 * US && mixed.mean < detailed.mean);
  assert.ok(detailed.count > 50);
});

test('nothing is lost between detailed and protocol-level hosts: UDP sent = received + dropped after draining', () => {
  const system = star([
    ['d1', [{ type: 'udp-sink' }, { type: 'udp-cbr', dst: 'p1', rate: '6Gbps', stop: 1 * MS }]],
    ['p1', [{ type: 'udp-sink' }, { type: 'udp-poisson', dst: 'd1', rate: '7Gbps', stop: 1 * MS }]],
    ['d2', [{ type: 'udp-cbr', dst: 'd1', rate: '6Gbps', stop: 1 * MS }]],
  ]);
  const r = runNetwork(system, 4 * MS, { models: RULES });
  const sent = total(r.metrics, 'udpSent');
  const received = total(r.metrics, 'udpReceived');
  const dropped = total(r.metrics, 'drops') + total(r.metrics, 'rxDrops');
  assert.ok(sent > 200);
  assert.ok(dropped > 0, 'd1 receives 13 Gbps on a 10 Gbps link: its switch port overflows');
  assert.equal(sent, received + dropped);
  assert.equal(total(r.metrics, 'queuedAtEnd'), 0);
});

test('mixed-fidelity config: detailed share, model choice and instances (1 + 2 per detailed host)', () => {
  for (const [share, hosts] of [[0, 0], [10, 6], [50, 32], [100, 64]] as const) {
    const p = config.params.parse({ detailed: share });
    assert.equal(detailedHosts(p).size, hosts);
    const system = config.system(p);
    const plan = instantiate(system, config.instantiations.split!(system, p), { config: 'mixed-fidelity', instantiation: 'split', seed: 1 });
    assert.equal(plan.instances.length, 1 + 2 * hosts);
    assert.equal(plan.components.filter((c) => c.model === 'host.detailed').length, hosts);
    assert.equal(plan.components.filter((c) => c.model === 'nic.detailed').length, hosts);
    assert.equal(plan.components.filter((c) => c.model === 'host.protocol').length, 64 - hosts);
  }
});

test('mixed-fidelity config runs: 32 clients push data through the fabric at every detailed share', () => {
  for (const share of [0, 50]) {
    const p = config.params.parse({ detailed: share });
    const system = config.system(p);
    const r = runNetwork(system, 2 * MS, { models: config.instantiations.single!(system, p).models! });
    const gbps = clientThroughput(r.metrics, 2 * MS) / 1e9;
    // Four racks of clients behind 2 × 10 Gbps uplinks each: at most 80 Gbps, less while the
    // flows ramp up in these 2 ms.
    assert.ok(gbps > 30 && gbps < 80, `${share} % detailed: ${gbps.toFixed(2)} Gbps`);
  }
});
