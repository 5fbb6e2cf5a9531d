/**
 * The harness's scenarios: small systems both simulators run. Every host uses point-to-point
 * framing (2 bytes per frame, as ns-3's point-to-point links) so that both put the same bytes on
 * the wire; `tcp` is our hosts' TCP settings for the run (the ns-3 side always runs ns-3's TCP).
 */
import { MS, US } from '@splitsim/kernel';
import type { AppInput } from '@splitsim/models';
import { System, switchPort } from '@splitsim/system';
import fattree from '../../configs/fattree.ts';

export type TcpSettings = Record<string, unknown>;

export interface Scenario {
  name: string;
  /** One line: what it is. */
  what: string;
  until: number;
  build(tcp: TcpSettings): System;
}

/** `n` senders on `access` links into one switch whose port to `rx` (at `bottleneck`) they share. */
function star(name: string, n: number, access: string, bottleneck: string, apps: (i: number) => AppInput[], tcp: TcpSettings, sw: Record<string, unknown> = {}): System {
  const system = new System(name);
  const s = system.add('switch', 'sw', { ports: n + 1, buffer: 100, ...sw });
  const rx = system.add('host', 'rx', { apps: [{ type: 'tcp-sink' }], tcp, framing: 'ppp' });
  system.link(s.port(switchPort(0)), rx.port('eth'), { latency: '500ns', bandwidth: bottleneck });
  for (let i = 1; i <= n; i++) {
    const h = system.add('host', `h${i}`, { apps: apps(i), tcp, framing: 'ppp' });
    system.link(s.port(switchPort(i)), h.port('eth'), { latency: '500ns', bandwidth: access });
  }
  return system;
}

const bulk = (cc: 'reno' | 'dctcp', start = 0, bytes?: number): AppInput[] => [{ type: 'tcp-bulk', dst: 'rx', congestion: cc, start, ...(bytes ? { bytes } : {}) }];

function fatTree(over: Record<string, unknown>): System {
  const p = fattree.params.parse({ k: 4, ...over });
  const system = fattree.system(p);
  for (const c of system.components) if (c.kind === 'host') (c.params as Record<string, unknown>).framing = 'ppp';
  return system;
}

export const scenarios: Scenario[] = [
  { name: 'one-flow', what: 'one NewReno flow, 10 Gbps end to end, 20 ms', until: 20 * MS, build: (tcp) => star('one-flow', 1, '10Gbps', '10Gbps', () => bulk('reno'), tcp) },
  { name: 'overshoot', what: 'one NewReno flow from 10 Gbps into a 1 Gbps port (a burst of about 100 losses in slow start), 100 ms', until: 100 * MS, build: (tcp) => star('overshoot', 1, '10Gbps', '1Gbps', () => bulk('reno'), tcp) },
  { name: 'reno-4', what: '4 NewReno flows, 40 Gbps access, 10 Gbps bottleneck, 30 ms', until: 30 * MS, build: (tcp) => star('reno-4', 4, '40Gbps', '10Gbps', (i) => bulk('reno', (i - 1) * 10 * US), tcp) },
  { name: 'dctcp-2', what: '2 DCTCP flows, 10 Gbps access and bottleneck, K = 20, 100 ms', until: 100 * MS, build: (tcp) => star('dctcp-2', 2, '10Gbps', '10Gbps', (i) => bulk('dctcp', (i - 1) * 10 * US), tcp, { ecnThreshold: 20 }) },
  { name: 'dctcp-8', what: '8 DCTCP flows, 10 Gbps access and bottleneck, K = 20, 50 ms', until: 50 * MS, build: (tcp) => star('dctcp-8', 8, '10Gbps', '10Gbps', (i) => bulk('dctcp', (i - 1) * 10 * US), tcp, { ecnThreshold: 20 }) },
  { name: 'incast-reno', what: 'incast: 16 NewReno senders × 200 kB at once into one 10 Gbps port (100 packets), 20 ms', until: 20 * MS, build: (tcp) => star('incast-reno', 16, '10Gbps', '10Gbps', () => bulk('reno', 0, 200_000), tcp) },
  { name: 'incast-dctcp', what: 'incast: 16 DCTCP senders × 200 kB at once, K = 20, 20 ms', until: 20 * MS, build: (tcp) => star('incast-dctcp', 16, '10Gbps', '10Gbps', () => bulk('dctcp', 0, 200_000), tcp, { ecnThreshold: 20 }) },
  { name: 'fattree-rack', what: 'configs/fattree.ts k = 4, rack workload (UDP 1 Gbps into each rack’s host 0), 20 ms', until: 20 * MS, build: () => fatTree({ workload: 'rack' }) },
  { name: 'fattree-perm', what: 'configs/fattree.ts k = 4, cross-pod permutation at 6 Gbps, ECMP per packet, 5 ms', until: 5 * MS, build: () => fatTree({ workload: 'perm', rate: '6Gbps', ecmp: 'packet' }) },
];
