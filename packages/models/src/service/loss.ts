import { z } from 'zod';
import { Component, defineSpec } from '@splitsim/kernel';
import { answerProbes } from './probe-port.ts';

const params = z
  .object({
    /** Probability that a transmission was corrupted by the network. */
    failure: z.number().min(0).max(1),
  })
  .strict();

/**
 * Transmission failures in the broker → network → receiver tandem, detected where the receiver
 * hands a processed message on: with probability p it turns out corrupt, is discarded and a
 * negative acknowledgement goes back on `nack` (to the transmitter, over a link with the network
 * delay); otherwise it is delivered on `out`. Every attempt has cost the receiver a service,
 * which is why the receiver sees λ / (1 - p).
 */
export class Loss extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'network.loss',
    kinds: ['network'],
    description: 'Bernoulli transmission failure detected after the receiver: negative acknowledgement back, else delivery',
    ports: ['in', 'out', 'nack', 'probe'],
    params,
    statistics: {
      failures: { type: 'counter', unit: 'messages', description: 'Messages found corrupt: discarded, a negative acknowledgement sent back' },
      delivered: { type: 'counter', unit: 'messages', description: 'Messages passed on intact' },
    },
  });

  private readonly out = this.ctx.port('out');
  private readonly nack = this.ctx.port('nack');
  private readonly failures = this.ctx.stats.counter('failures');
  private readonly delivered = this.ctx.stats.counter('delivered');

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    this.ctx.port('in', (num, ref) => this.check(num, ref));
    answerProbes(this.ctx, { failures: () => this.failures.value, delivered: () => this.delivered.value });
  }

  private check(num: number, ref: unknown): void {
    if (this.ctx.rng.next() < this.params.failure) {
      this.failures.value++;
      this.nack.send(num, ref);
    } else {
      this.delivered.value++;
      if (this.out.connected) this.out.send(num, ref);
    }
  }
}
