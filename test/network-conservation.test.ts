/**
 * Conservation of packets in the datacenter (configs/datacenter.ts: protocol-level hosts, detailed
 * hosts behind NICs, TCP and RPC), stopped mid-flow: every packet a host handed down is delivered,
 * dropped where it is counted, queued, in a detailed host's rings, or on a network or PCI link.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComponentMetrics } from '@splitsim/kernel';
import { US } from '@splitsim/kernel';
import { instantiate } from '@splitsim/instantiation';
import { completed, runSequential } from '@splitsim/runtime';
import config from '../configs/datacenter.ts';
import { total } from './network-util.ts';

function ledger(metrics: ComponentMetrics[]) {
  const sum = (stat: string, models: string[]) => models.reduce((s, m) => s + total(metrics, stat, m), 0);
  return {
    sent: total(metrics, 'packetsSent'),
    delivered: sum('rxPackets', ['host.protocol', 'host.detailed']),
    dropped: total(metrics, 'drops') + total(metrics, 'rxDrops') + total(metrics, 'noRoute'),
    queued: total(metrics, 'queuedAtEnd'),
    rings: total(metrics, 'ringAtEnd'),
    onNetworkLinks: total(metrics, 'txPackets') - sum('rxPackets', ['switch.packet', 'host.protocol']) - total(metrics, 'rxFrames', 'nic.detailed'),
    onPciLinks: total(metrics, 'pciTxFrames') - total(metrics, 'pciRxFrames'),
  };
}

test('datacenter stopped mid-flow: sent = delivered + dropped + queued + in rings + on links, exactly', () => {
  const p = config.params.parse({ blocks: 2, racksPerBlock: 2, hostsPerRack: 8, detailedHosts: 4, sendingShare: 0.6 });
  const system = config.system(p);
  const plan = instantiate(system, config.instantiations.s!(system, p), { config: 'datacenter', instantiation: 's', seed: 1 });
  // An odd end time, so that packets sit everywhere: queues, rings, links.
  const { metrics } = completed(runSequential(plan, { until: 500 * US + 12_345 }));
  const l = ledger(metrics);
  for (const [k, v] of Object.entries(l)) assert.ok(v >= 0, `${k} = ${v}`);
  assert.ok(l.dropped > 0 && l.queued > 0 && l.rings > 0 && l.onNetworkLinks > 0, JSON.stringify(l));
  assert.equal(l.sent, l.delivered + l.dropped + l.queued + l.rings + l.onNetworkLinks + l.onPciLinks, JSON.stringify(l));
  // Without the ring and PCI terms the identity does not hold: the detailed hosts hold frames.
  assert.notEqual(l.sent, l.delivered + l.dropped + l.queued + l.onNetworkLinks);
});
