import { Component, defineSpec, SEC, units, z, type Port } from 'splitsim';
import { ABORT, ACK, COMMIT, NO, PREPARE, STATUS, TX_BITS, YES, message, txOf, typeOf } from './messages.ts';

const params = z
  .object({
    /** Participants: ports participant0 … participant<n-1>; every transaction involves all of them. */
    participants: z.number().int().min(1).max(30),
    /** Transactions per second: Poisson, or evenly spaced with `spacing: 'even'`. */
    rate: z.number().positive(),
    spacing: z.enum(['poisson', 'even']).default('poisson'),
    /** First transaction at this time (even spacing); none at or after `stop`. */
    start: units.time('0s'),
    stop: units.time().optional(),
    /** Votes not all in by this long after PREPARE: abort. */
    voteTimeout: units.time('100ms'),
    /** Writing the commit decision to the log. */
    persist: units.time('1ms'),
    /** A commit not acknowledged by everyone is sent again this often. */
    retry: units.time('200ms'),
  })
  .strict();

type Params = z.output<typeof params>;

interface Tx {
  start: number;
  yes: number;
  acks: number;
  /** 0 while votes come in, PREPARE while the commit decision is being written, COMMIT once it is durable. */
  state: number;
}

/**
 * The coordinator of two-phase commit with presumed abort (Mohan and Lindsay): PREPARE to every
 * participant; all YES → the commit decision is written to its log, then COMMIT is sent (and sent
 * again until every participant acknowledges); a NO or a vote timeout → ABORT, never logged.
 * A participant that asks about a transaction the coordinator does not know gets ABORT.
 *
 * A crash loses every undecided transaction (presumed aborted) and keeps the log: on recovery
 * the coordinator sends COMMIT again for every logged decision not yet acknowledged by all. If it
 * crashes after the votes and before its decision is durable, prepared participants are blocked:
 * they cannot decide alone, and learn ABORT only when they ask again after it recovered.
 */
export class Coordinator2pc extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'coordinator.2pc',
    kinds: ['coordinator'],
    description: 'two-phase commit coordinator with presumed abort: vote timeout, logged commit decisions, retransmission and recovery',
    ports: ['participant*'],
    params,
    crashable: true,
    statistics: {
      started: { type: 'counter', description: 'transactions started' },
      committed: { type: 'counter', description: 'commit decisions made durable' },
      aborted: { type: 'counter', description: 'aborted on a NO vote' },
      timedOut: { type: 'counter', description: 'aborted because the votes were not all in by the vote timeout' },
      commitLatency: { type: 'tally', unit: 'ps', description: 'start to the commit decision on disk (the commit point)' },
      completion: { type: 'tally', unit: 'ps', description: 'start to every participant acknowledging the commit' },
      resent: { type: 'counter', description: 'COMMIT messages sent again (retry or recovery)' },
    },
  });

  private readonly ports: Port[] = [];
  private readonly all: number;
  /** Durable: the incarnation (ids never repeat) and commit decisions not yet acknowledged by all. */
  private incarnation = 0;
  private readonly log = new Set<number>();
  private seq = 0;
  private active = new Map<number, Tx>();
  private readonly arrival = this.ctx.timer(() => this.begin());
  private readonly timeout = this.ctx.timer((tx) => this.onTimeout(tx));
  private readonly written = this.ctx.timer((tx) => this.onWritten(tx));
  private readonly sweep = this.ctx.timer(() => this.resend());
  private readonly started = this.ctx.stats.counter('started');
  private readonly committed = this.ctx.stats.counter('committed');
  private readonly aborted = this.ctx.stats.counter('aborted');
  private readonly timedOut = this.ctx.stats.counter('timedOut');
  private readonly commitLatency = this.ctx.stats.tally('commitLatency');
  private readonly completion = this.ctx.stats.tally('completion');
  private readonly resent = this.ctx.stats.counter('resent');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    for (let i = 0; i < this.params.participants; i++) this.ports.push(this.ctx.port(`participant${i}`, (num) => this.onMessage(i, num)));
    this.all = 2 ** this.params.participants - 1;
    this.ctx.onRecover(() => this.recover());
  }

  override init(): void {
    this.ctx.schedule(this.arrival, Math.max(this.params.start, this.gap()));
    this.ctx.schedule(this.sweep, this.params.retry);
  }

  private gap(): number {
    const mean = SEC / this.params.rate;
    return this.params.spacing === 'even' ? mean : this.ctx.rng.exponential(mean);
  }

  private begin(): void {
    const stop = this.params.stop;
    if (stop !== undefined && this.ctx.now >= stop) return;
    const tx = this.incarnation * TX_BITS + this.seq++;
    this.active.set(tx, { start: this.ctx.now, yes: 0, acks: 0, state: 0 });
    this.started.value++;
    for (const p of this.ports) p.send(message(tx, PREPARE));
    this.ctx.schedule(this.timeout, this.params.voteTimeout, tx);
    this.ctx.schedule(this.arrival, this.gap());
  }

  private onMessage(from: number, num: number): void {
    const tx = txOf(num);
    const type = typeOf(num);
    const t = this.active.get(tx);
    if (type === STATUS) {
      // Presumed abort: no logged commit and not being decided means aborted.
      if (this.log.has(tx)) this.ports[from]!.send(message(tx, COMMIT));
      else if (!t) this.ports[from]!.send(message(tx, ABORT));
      return;
    }
    if (!t) return;
    if (type === YES && t.state === 0) {
      t.yes |= 1 << from;
      if (t.yes === this.all) {
        t.state = PREPARE;
        this.ctx.schedule(this.written, this.params.persist, tx);
      }
    } else if (type === NO && t.state === 0) {
      this.aborted.value++;
      this.abort(tx);
    } else if (type === ACK && t.state === COMMIT) {
      t.acks |= 1 << from;
      if (t.acks === this.all) {
        if (t.start >= 0) this.completion.add(this.ctx.now - t.start);
        this.active.delete(tx);
        this.log.delete(tx);
      }
    }
  }

  private onTimeout(tx: number): void {
    const t = this.active.get(tx);
    if (!t || t.state !== 0) return;
    this.timedOut.value++;
    this.abort(tx);
  }

  private abort(tx: number): void {
    this.active.delete(tx);
    for (const p of this.ports) p.send(message(tx, ABORT));
  }

  private onWritten(tx: number): void {
    const t = this.active.get(tx)!;
    t.state = COMMIT;
    this.log.add(tx);
    this.committed.value++;
    this.commitLatency.add(this.ctx.now - t.start);
    for (const p of this.ports) p.send(message(tx, COMMIT));
  }

  /** Sends COMMIT again to every participant that has not acknowledged a durable decision. */
  private resend(): void {
    for (const [tx, t] of this.active) {
      if (t.state !== COMMIT) continue;
      this.ports.forEach((p, i) => {
        if ((t.acks & (1 << i)) !== 0) return;
        this.resent.value++;
        p.send(message(tx, COMMIT));
      });
    }
    this.ctx.schedule(this.sweep, this.params.retry);
  }

  private recover(): void {
    this.incarnation++;
    this.seq = 0;
    this.active = new Map();
    for (const tx of this.log) this.active.set(tx, { start: -1, yes: this.all, acks: 0, state: COMMIT });
    this.resend();
    this.ctx.schedule(this.arrival, this.gap());
  }
}
