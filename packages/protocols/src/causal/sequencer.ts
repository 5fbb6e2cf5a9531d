import { Component, defineSpec, z, type Port } from 'splitsim';
import type { Multicast } from './messages.ts';

const params = z.object({ processes: z.number().int().min(1) }).strict();

/**
 * The sequencer of total-order multicast: numbers every message it receives (port process<i>)
 * in arrival order and sends it, numbered, to every process, its sender included. Processes
 * deliver in number order, so all deliver the same sequence; it is also causal, because a
 * process sends only after delivering, so everything it delivered was numbered first.
 */
export class Sequencer extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'sequencer.total-order',
    kinds: ['sequencer'],
    description: 'numbers multicast messages in arrival order and sends them to every process',
    ports: ['process*'],
    params,
    statistics: { sequenced: { type: 'counter', description: 'messages numbered' } },
  });

  private readonly ports: Port[] = [];
  private readonly sequenced = this.ctx.stats.counter('sequenced');

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    for (let i = 0; i < this.params.processes; i++) this.ports.push(this.ctx.port(`process${i}`, (_n, ref) => this.order(ref as Multicast)));
  }

  private order(m: Multicast): void {
    const numbered: Multicast = { from: m.from, t: m.t, vc: m.vc, seq: this.sequenced.value++ };
    for (const p of this.ports) p.send(0, numbered);
  }
}
