import { z } from 'zod';
import { Component, defineSpec } from '@splitsim/kernel';
import { answerProbes } from './probe-port.ts';

const params = z.object({}).strict();

/**
 * The broker's side of the network in the broker → network → receiver tandem: every message
 * from the broker (`in`) is transmitted on `out`, and transmitted again whenever a negative
 * acknowledgement comes back on `nack`, without queueing at the broker again. The links carry
 * the network delay.
 */
export class Transmitter extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'network.transmitter',
    kinds: ['network'],
    description: 'Sends broker messages over the network and resends each one a negative acknowledgement asks for',
    ports: ['in', 'out', 'nack', 'probe'],
    params,
    statistics: {
      transmissions: { type: 'counter', unit: 'messages', description: 'Messages sent on out, retransmissions included' },
      retransmissions: { type: 'counter', unit: 'messages', description: 'Messages sent again after a negative acknowledgement' },
    },
  });

  private readonly out = this.ctx.port('out');
  private readonly transmissions = this.ctx.stats.counter('transmissions');
  private readonly retransmissions = this.ctx.stats.counter('retransmissions');

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    this.ctx.port('in', (num, ref) => this.transmit(num, ref));
    this.ctx.port('nack', (num, ref) => {
      this.retransmissions.value++;
      this.transmit(num, ref);
    });
    answerProbes(this.ctx, { transmissions: () => this.transmissions.value, retransmissions: () => this.retransmissions.value });
  }

  private transmit(num: number, ref: unknown): void {
    this.transmissions.value++;
    this.out.send(num, ref);
  }
}
