import { z } from 'zod';
import { Component, defineSpec, SEC, SplitSimError, units } from '@splitsim/kernel';
import { distribution, distributionSchema } from '../distributions/index.ts';
import { Calendar } from './calendar.ts';
import { answerProbes } from './probe-port.ts';
import { PROBE_LENGTH, PROBE_WORK, report, STEAL } from './protocol.ts';

const params = z
  .object({
    /** Single-server FIFO queues in the bank. */
    count: z.number().int().positive().max(2 ** 17),
    /** Job sizes (seconds at speed 1). */
    service: distributionSchema(),
    /** Work per second of service (resource pooling: 1 - p). */
    speed: z.number().positive().default(1),
    /** Answer every finished job on `in` with (token, queue index), for dispatchers that count queues. */
    respond: z.boolean().default(false),
    /** Pull updates on `in`: with probability onCompletion at each completion, at idleRate per second while a queue is empty. */
    updates: z
      .object({ onCompletion: z.number().min(0).max(1).default(0), idleRate: z.number().nonnegative().default(0), stop: units.time().optional() })
      .strict()
      .optional(),
    /** Jobs arriving before this time are left out of the wait and response statistics. */
    warmup: units.time().default(0),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * A bank of single-server FIFO queues simulated by one component: the rack of a server farm.
 * Hyper-scale load balancing needs 10^5 servers; as components each would carry its own
 * context, statistics and buffers, and every event would touch a dozen scattered objects. Here
 * the queues live in shared typed arrays (struct of arrays) and jobs in one linked slot pool,
 * so an event touches a few cache lines; statistics are pooled over the bank.
 *
 * Completions and idle updates are kept in two private calendars; the kernel holds a single
 * wake-up for the bank, at the earlier of their first times.
 *
 * Messages carry the queue index where a single server's would carry a tag or correlation:
 * a job is (token, index); a command (PROBE_LENGTH, STEAL) is (command, index); every
 * reply or update is (report(value), index); a response (with `respond`) is (token, index).
 * Dispatchers address a bank with `serversPerTarget`.
 */
export class ServerBank extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'server.bank',
    kinds: ['server'],
    description: 'A bank of single-server FIFO queues in one component (struct of arrays), for 10^5-server load balancing',
    ports: ['in', 'probe'],
    params,
  });

  private readonly n = this.params.count;
  private readonly law = distribution(this.params.service);
  private readonly scale = SEC / this.params.speed;
  private readonly rng = this.ctx.rng;
  private readonly warmup = this.params.warmup;
  private readonly respond = this.params.respond;
  private readonly updateProb = this.params.updates?.onCompletion ?? 0;
  private readonly idleMean = this.params.updates && this.params.updates.idleRate > 0 ? SEC / this.params.updates.idleRate : 0;
  private readonly idleStop = this.params.updates?.stop ?? Infinity;

  private readonly port = this.ctx.port('in', (num, ref) => this.receive(num, ref as number));
  private readonly wakeTimer = this.ctx.timer((num) => this.wake(num));
  /** When each busy queue finishes its job; when each idle queue sends its next update. */
  private readonly completions = new Calendar(this.params.count);
  private readonly idleUpdates = new Calendar(this.params.count);
  /** The pending wake-up: its generation (older ones are ignored) and time. */
  private wakeGen = 0;
  private wakeAt = Infinity;

  private readonly wait = this.ctx.stats.tally('wait');
  private readonly response = this.ctx.stats.tally('response');
  private readonly served = this.ctx.stats.counter('served');
  private readonly stolen = this.ctx.stats.counter('stolen');
  private readonly inSystemTW = this.ctx.stats.timeWeighted('inSystem');
  private readonly longest = this.ctx.stats.counter('longestQueue');

  /** Per queue, interleaved so one cache line serves an event: [4q] length, [4q + 1] head slot, [4q + 2] tail slot. */
  private readonly qs: Int32Array;
  // Per job slot, interleaved: [2s] arrival time, [2s + 1] next slot in its queue (-1 at the tail).
  // Sizes are drawn when service starts (nothing needs them earlier), and tokens are kept only
  // when responses carry them: every byte per job counts once 10^5 queues outgrow the cache.
  private slots = new Float64Array(2048);
  private token = new Float64Array(this.params.respond ? 1024 : 0);
  private freeHead = -1;
  private used = 0;
  private total = 0;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    this.qs = new Int32Array(4 * this.n);
    answerProbes(this.ctx, { inSystem: () => this.total, served: () => this.served.value, longestQueue: () => this.longest.value });
  }

  override init(): void {
    if (this.idleMean > 0) for (let q = 0; q < this.n; q++) this.scheduleIdle(q);
    this.arm();
  }

  /** Makes sure the kernel wakes the bank at its next due time. */
  private arm(): void {
    const t = Math.min(this.completions.next, this.idleUpdates.next);
    if (t === this.wakeAt) return;
    this.wakeAt = t;
    this.wakeGen++;
    if (t < Infinity) this.ctx.schedule(this.wakeTimer, t - this.ctx.now, this.wakeGen);
  }

  private wake(gen: number): void {
    if (gen !== this.wakeGen) return; // superseded by an earlier wake-up
    this.wakeAt = Infinity;
    const now = this.ctx.now;
    // Everything due now, completions first, each in index order (the calendars break ties so).
    while (this.completions.next === now) this.complete(this.completions.first);
    while (this.idleUpdates.next === now) this.idleReport(this.idleUpdates.first);
    this.arm();
  }

  private alloc(): number {
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.slots[2 * s + 1]!;
      return s;
    }
    if (2 * this.used === this.slots.length) {
      const b = new Float64Array(this.slots.length * 2);
      b.set(this.slots);
      this.slots = b;
      if (this.respond) {
        const t = new Float64Array(this.token.length * 2);
        t.set(this.token);
        this.token = t;
      }
    }
    return this.used++;
  }

  private release(s: number): void {
    this.slots[2 * s + 1] = this.freeHead;
    this.freeHead = s;
  }

  private receive(num: number, q: number): void {
    if (num < 0) return this.command(num, q);
    const s = this.alloc();
    const slots = this.slots;
    slots[2 * s] = this.ctx.now;
    slots[2 * s + 1] = -1;
    if (this.respond) this.token[s] = num;
    const qs = this.qs;
    const len = ++qs[4 * q]!;
    if (len > this.longest.value) this.longest.value = len;
    this.inSystemTW.set(++this.total);
    if (len === 1) {
      qs[4 * q + 1] = qs[4 * q + 2] = s;
      this.idleUpdates.remove(q);
      this.start(q, s);
      this.arm();
    } else {
      slots[2 * qs[4 * q + 2]! + 1] = s;
      qs[4 * q + 2] = s;
    }
  }

  private start(q: number, s: number): void {
    const now = this.ctx.now;
    const arrived = this.slots[2 * s]!;
    if (arrived >= this.warmup) this.wait.add(now - arrived);
    this.completions.set(q, now + Math.round(this.law.sample(this.rng) * this.scale));
  }

  private complete(q: number): void {
    this.finishHead(q);
    if (this.updateProb > 0 && this.rng.next() < this.updateProb) this.port.send(report(this.qs[4 * q]!), q);
  }

  /** The job at the head of queue q leaves; the next one starts (re-keying q in the calendar: one sift). */
  private finishHead(q: number): void {
    const qs = this.qs;
    const s = qs[4 * q + 1]!;
    this.depart(s, q);
    const h = this.slots[2 * s + 1]!;
    this.release(s);
    qs[4 * q + 1] = h;
    if (--qs[4 * q]! > 0) this.start(q, h);
    else {
      this.completions.remove(q);
      qs[4 * q + 2] = -1;
      if (this.idleMean > 0) this.scheduleIdle(q);
    }
  }

  private depart(s: number, q: number): void {
    const arrived = this.slots[2 * s]!;
    if (arrived >= this.warmup) this.response.add(this.ctx.now - arrived);
    this.served.value++;
    this.inSystemTW.set(--this.total);
    if (this.respond) this.port.send(this.token[s]!, q);
  }

  private scheduleIdle(q: number): void {
    const t = this.ctx.now + Math.round(this.rng.exponential(this.idleMean));
    if (t <= this.idleStop) this.idleUpdates.set(q, t);
  }

  private idleReport(q: number): void {
    this.idleUpdates.remove(q);
    this.port.send(report(0), q);
    this.scheduleIdle(q);
  }

  private command(op: number, q: number): void {
    if (op === PROBE_LENGTH) this.port.send(report(this.qs[4 * q]!), q);
    else if (op === PROBE_WORK) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: server.bank draws job sizes when service starts, so it cannot report unfinished work; use server.queue for LL(d)`, { component: this.ctx.path });
    } else if (op === STEAL) {
      this.steal(q);
      this.port.send(report(this.qs[4 * q]!), q);
      this.arm();
    }
  }

  /** The central server takes queue q's first waiting job, else the one in service. */
  private steal(q: number): void {
    const qs = this.qs;
    const len = qs[4 * q]!;
    if (len === 0) return;
    this.stolen.value++;
    if (len === 1) return this.finishHead(q);
    const slots = this.slots;
    const h = qs[4 * q + 1]!;
    const s = slots[2 * h + 1]!;
    slots[2 * h + 1] = slots[2 * s + 1]!;
    if (qs[4 * q + 2] === s) qs[4 * q + 2] = h;
    qs[4 * q] = len - 1;
    this.depart(s, q);
    this.release(s);
  }
}
