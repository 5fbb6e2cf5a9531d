import { Component, defineSpec, units, z, type Port } from 'splitsim';
import { ABORT, ACK, COMMIT, NO, PREPARE, STATUS, YES, message, txOf, typeOf } from './messages.ts';

const params = z
  .object({
    /** Probability of voting NO on a PREPARE. */
    no: z.number().min(0).max(1).default(0),
    /** Writing a prepare or commit record to its log. */
    persist: units.time('1ms'),
    /** A prepared participant asks the coordinator for the decision this often. */
    inquiry: units.time('100ms'),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * A two-phase commit participant: on PREPARE it votes NO (with probability `no`) or writes a
 * prepare record and votes YES. Once prepared it is blocked: it holds the transaction's locks
 * and may not decide alone, only learn the decision (COMMIT or ABORT from the coordinator, or by
 * asking it with STATUS every `inquiry`). A COMMIT is applied and acknowledged after its commit
 * record is written. Prepare records are durable; a crash loses only writes under way, and after
 * recovery it asks about every transaction it had prepared.
 */
export class Participant2pc extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'participant.2pc',
    kinds: ['participant'],
    description: 'two-phase commit participant: NO votes with a probability, logged prepares, blocked until it learns the decision',
    ports: ['coordinator'],
    params,
    crashable: true,
    statistics: {
      prepared: { type: 'counter', description: 'YES votes (prepare records written)' },
      votedNo: { type: 'counter', description: 'NO votes' },
      committed: { type: 'counter', description: 'transactions committed here' },
      aborted: { type: 'counter', description: 'prepared transactions aborted here' },
      blocked: { type: 'tally', unit: 'ps', description: 'prepared to learning the decision: the time it held locks it could not release alone' },
      inquiries: { type: 'counter', description: 'STATUS questions sent while blocked' },
    },
  });

  private readonly coordinator: Port = this.ctx.port('coordinator', (num) => this.onMessage(num));
  /** Durable: prepared transactions, until their commit record is written or they abort. */
  private readonly prepared = new Map<number, { at: number; learned: boolean }>();
  private committing = new Set<number>();
  private readonly preparedDone = this.ctx.timer((tx) => this.onPrepared(tx));
  private readonly commitDone = this.ctx.timer((tx) => this.onCommitted(tx));
  private readonly ask = this.ctx.timer((tx) => this.inquire(tx));
  private readonly preparedCount = this.ctx.stats.counter('prepared');
  private readonly votedNo = this.ctx.stats.counter('votedNo');
  private readonly committed = this.ctx.stats.counter('committed');
  private readonly aborted = this.ctx.stats.counter('aborted');
  private readonly blocked = this.ctx.stats.tally('blocked');
  private readonly inquiries = this.ctx.stats.counter('inquiries');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    this.ctx.onRecover(() => {
      this.committing = new Set();
      for (const tx of this.prepared.keys()) this.inquire(tx);
    });
  }

  private onMessage(num: number): void {
    const tx = txOf(num);
    const type = typeOf(num);
    if (type === PREPARE) {
      if (this.params.no > 0 && this.ctx.rng.chance(this.params.no)) {
        this.votedNo.value++;
        this.coordinator.send(message(tx, NO));
      } else this.ctx.schedule(this.preparedDone, this.params.persist, tx);
      return;
    }
    const p = this.prepared.get(tx);
    if (type === COMMIT) {
      if (p === undefined) this.coordinator.send(message(tx, ACK)); // committed here already: the ACK was lost
      else if (!this.committing.has(tx)) {
        this.learned(p);
        this.committing.add(tx);
        this.ctx.schedule(this.commitDone, this.params.persist, tx);
      }
    } else if (type === ABORT && p !== undefined) {
      this.learned(p);
      this.prepared.delete(tx);
      this.aborted.value++;
    }
  }

  /** The commit record is on disk: the transaction is done here. */
  private onCommitted(tx: number): void {
    this.committing.delete(tx);
    this.prepared.delete(tx);
    this.committed.value++;
    this.coordinator.send(message(tx, ACK));
  }

  private onPrepared(tx: number): void {
    this.prepared.set(tx, { at: this.ctx.now, learned: false });
    this.preparedCount.value++;
    this.coordinator.send(message(tx, YES));
    this.ctx.schedule(this.ask, this.params.inquiry, tx);
  }

  /** Blocked time ends when the decision is first learned (kept across a crash: it is a statistic, not state). */
  private learned(p: { at: number; learned: boolean }): void {
    if (p.learned) return;
    p.learned = true;
    this.blocked.add(this.ctx.now - p.at);
  }

  private inquire(tx: number): void {
    if (!this.prepared.has(tx) || this.committing.has(tx)) return;
    this.inquiries.value++;
    this.coordinator.send(message(tx, STATUS));
    this.ctx.schedule(this.ask, this.params.inquiry, tx);
  }
}
