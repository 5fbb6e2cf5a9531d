import { z } from 'zod';
import { defineSpec, SEC, units } from '@splitsim/kernel';
import { Dispatcher, dispatcherParams, DISPATCHER_PORTS, DISPATCHER_STATISTICS } from './dispatcher.ts';
import { LevelBuckets } from './level-buckets.ts';
import { STEAL, statusRejected } from './protocol.ts';

const params = z
  .object({
    ...dispatcherParams,
    /** Jobs per second the central server can take in all: p·N / (mean job size). */
    centralRate: z.number().positive(),
    /** No tokens after this time, so that a run whose sources have stopped can drain and end. */
    stop: units.time().optional(),
  })
  .strict();

/**
 * Resource pooling (Tsitsiklis and Xu): jobs join a uniformly random server; a central server
 * generates tokens at rate pN and with each one takes a job from a longest queue (ties at
 * random), finishing it at once. Servers run at 1 - p (server.queue `speed`). The dispatcher
 * counts each queue from the jobs it sent and the responses it got, so target ports link to a
 * server's `client<i>` port; a steal is answered there like any completion.
 */
export class PoolingLb extends Dispatcher<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'lb.pooling',
    kinds: ['load-balancer'],
    description: 'Resource pooling: random dispatch plus a central server that serves a job of a longest queue at rate pN',
    ports: DISPATCHER_PORTS,
    params,
    statistics: {
      ...DISPATCHER_STATISTICS,
      completed: { type: 'counter', unit: 'jobs', description: 'Responses from the targets (stolen jobs included), passed on to out; refusals not counted' },
      steals: { type: 'counter', unit: 'jobs', description: 'Tokens of the central server that took a job from a longest queue' },
      idleTokens: { type: 'counter', unit: 'tokens', description: 'Tokens of the central server that found every queue empty' },
    },
  });

  private readonly lengths = new LevelBuckets(this.servers);
  private readonly tick = this.ctx.timer(() => this.token());
  private readonly gap = SEC / this.params.centralRate;
  private readonly steals = this.ctx.stats.counter('steals');
  private readonly idleTokens = this.ctx.stats.counter('idleTokens');

  private readonly stop = this.params.stop ?? Infinity;

  override init(): void {
    this.next();
  }

  private next(): void {
    const delay = this.ctx.rng.exponential(this.gap);
    if (this.ctx.now + delay <= this.stop) this.ctx.schedule(this.tick, delay);
  }

  protected route(token: number, tag: unknown): void {
    const i = this.ctx.rng.int(this.servers);
    this.lengths.inc(i);
    this.send(i, token, tag);
  }

  private token(): void {
    if (this.lengths.max() > 0) {
      this.steals.value++;
      this.command(this.lengths.pickMax(this.ctx.rng), STEAL, 0);
    } else this.idleTokens.value++;
    this.next();
  }

  protected override onResponse(i: number, token: number, status: unknown): void {
    this.lengths.dec(i);
    if (!statusRejected(status)) super.onResponse(i, token, status);
  }

  protected override metrics(): Record<string, () => number> {
    return { maxQueue: () => this.lengths.max() };
  }
}
