import type { z } from 'zod';
import { Component, defineSpec, SplitSimError } from '@splitsim/kernel';
import { switchParams } from '@splitsim/system';
import { Egress, EGRESS_STATISTICS } from './egress.ts';
import { wordDst, type Packet } from './packet.ts';
import { ForwardingTable, switchNet } from './routing.ts';

/** Ports a switch model declares: p0 … p63 (a spec lists its ports; a switch uses those its links join). */
export const SWITCH_PORTS = 64;
const portNames = Array.from({ length: SWITCH_PORTS }, (_, i) => `p${i}`);

/** The switch kind's parameters (ports, buffer per port, ECN threshold) and the `net` the network step adds. */
const params = switchParams.extend({ net: switchNet });

/**
 * An output-queued packet switch. A packet arriving on any port is looked up in the forwarding
 * table (shortest paths) and joins that port's drop-tail FIFO; the port's wire serializes it at
 * the link's bandwidth and the link adds its latency. Switching itself takes no time. Among
 * equal-cost ports (ECMP) it picks by the flow hash (`ecmp: 'flow'`, the default: a flow keeps
 * one path, as in most datacenter switches) or at random for every packet (`ecmp: 'packet'`,
 * packet spraying, ns-3's RandomEcmpRouting: load spreads evenly, a flow's packets may reorder).
 */
export class PacketSwitch extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'switch.packet',
    kinds: ['switch'],
    roles: ['switch'],
    description: 'Output-queued switch: drop-tail FIFO per port (packets or bytes), optional ECN marking, shortest-path ECMP routing',
    ports: portNames,
    params,
    statistics: {
      rxPackets: { type: 'counter', unit: 'packets', description: 'Packets received on any port' },
      noRoute: { type: 'counter', unit: 'packets', description: 'Packets dropped because the forwarding table has no port for their destination' },
      ...EGRESS_STATISTICS,
    },
  });

  private readonly table: ForwardingTable;
  private readonly egress: Egress;
  private readonly rxPackets = this.ctx.stats.counter('rxPackets');
  /** Packets whose destination the table does not know (dropped here). */
  private readonly noRoute = this.ctx.stats.counter('noRoute');
  /** Packets received, counted here and handed to rxPackets in finish() (a plain field is cheaper on the hot path). */
  private rx = 0;
  /** ECMP per packet rather than per flow. */
  private readonly spray: boolean;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    const { net, buffer, ecnThreshold } = this.params;
    if (this.params.ports > SWITCH_PORTS) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: ${this.params.ports} ports; switch.packet has at most ${SWITCH_PORTS}`, { component: this.ctx.path, field: 'ports' });
    }
    this.table = new ForwardingTable(net, Math.imul(this.ctx.id + 1, 0x27d4eb2d));
    this.spray = this.params.ecmp === 'packet';
    const receive = (num: number, ref: unknown): void => this.forward(num, ref as Packet);
    const ports = net.rates.map((_, i) => this.ctx.port(portNames[i]!, receive));
    const queue = { unit: buffer.unit, capacity: buffer.size, ...(ecnThreshold ? { ecnThreshold: ecnThreshold.size } : {}) };
    this.egress = new Egress(this.ctx, ports, net.rates, queue);
  }

  /** `word` is the packet's wire word (packet.ts): the packet record itself is read only for ECMP. */
  private forward(word: number, p: Packet): void {
    this.rx++;
    const table = this.table;
    let out = table.port(word >= 0 ? wordDst(word) : p.dst);
    if (out < -1) out = this.spray ? table.spray(out, this.ctx.rng.next()) : table.pick(out, p.hash);
    if (out < 0) this.noRoute.value++;
    else this.egress.enqueue(out, p, word);
  }

  override finish(): void {
    this.rxPackets.value = this.rx;
    this.egress.finish();
  }
}
