import { z } from 'zod';
import { Component, defineSpec, SEC, SplitSimError, tallyAdd, units } from '@splitsim/kernel';
import { distribution, distributionSchema } from '../distributions/index.ts';
import { Calendar } from './calendar.ts';
import { JobQueues } from './job-queues.ts';
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

// The bank's running figures, in one array of doubles: object fields holding doubles are boxed in
// V8, one more cache line each, and a message to one of a hundred banks finds them cold. (A plain
// array rather than a Float64Array: the kernel's tallyAdd then sees one kind of array everywhere.)
const W = 0; // wait: a tally in the kernel's slots (count, mean, m2, min, max)
const R = 5; // response: the same
const AREA = 10; // ∫ jobs in the bank dt over the jobs that have left, ps
const SERVED = 11;
const TOTAL = 12; // jobs in the bank
const LONGEST = 13;
const LAST_DUE = 14; // lazy: the latest completion time of any job so far
const WAKE_AT = 15; // the pending wake-up's time, or Infinity
// Constants read per job, here for the same reason.
const SCALE = 16; // ps per second of service
const WARMUP = 17;

/**
 * A bank of single-server FIFO queues simulated by one component: the rack of a server farm.
 * Hyper-scale load balancing needs 10^5 servers; as components each would carry its own
 * context, statistics and buffers, and every event would touch a dozen scattered objects. Here
 * the queues live in shared typed arrays (JobQueues), statistics are pooled over the bank.
 *
 * A job's size is drawn when it arrives, so its completion time is fixed then (FIFO: the later
 * of its arrival and its predecessor's completion, plus its size). When completions send
 * nothing (no `respond`, no `updates`), nobody can observe one before the next message reaches
 * its queue, so each queue is brought up to date only then ("lazy" completions): a job costs
 * no event of its own, and the bank holds a single wake-up at its last completion time, so that
 * the run still lasts until the queues have drained. Otherwise completions and idle updates are
 * events: two private calendars, and one kernel wake-up at the earlier of their first times.
 * Either way each job's wait and response are the same numbers.
 *
 * Messages carry the queue index where a single server's would carry a tag or correlation:
 * a job is (token, index); a command (PROBE_LENGTH, STEAL) is (command, index); every
 * reply or update is (report(value), index); a response (with `respond`) is (token, index).
 * Dispatchers address a bank with `serversPerTarget`.
 */
export class ServerBank extends JobQueues<Params> {
  static readonly spec = defineSpec({
    model: 'server.bank',
    kinds: ['server'],
    description: 'A bank of single-server FIFO queues in one component (struct of arrays), for 10^5-server load balancing',
    ports: ['in', 'probe'],
    params,
    statistics: {
      wait: { type: 'tally', unit: 'ps', description: "Arrival to start of service, pooled over the bank's queues, per job that began service (arrivals after warmup)" },
      response: { type: 'tally', unit: 'ps', description: 'Arrival to departure (served or stolen), pooled, per job (arrivals after warmup)' },
      served: { type: 'counter', unit: 'jobs', description: 'Jobs that left, stolen ones included' },
      stolen: { type: 'counter', unit: 'jobs', description: "Jobs a pooling dispatcher's central server took and finished at once" },
      longestQueue: { type: 'counter', unit: 'jobs', description: 'The longest any queue has been, the job in service included (a maximum, not a count)' },
      meanInSystem: { type: 'counter', unit: 'jobs', description: 'Time-average of the jobs in the bank from 0 to the end (a mean set at the end, not a count)' },
    },
  });

  private readonly n = this.params.count;
  private readonly law = distribution(this.params.service);
  private readonly rng = this.ctx.rng;
  private readonly respond = this.params.respond;
  private readonly updateProb = this.params.updates?.onCompletion ?? 0;
  private readonly idleMean = this.params.updates && this.params.updates.idleRate > 0 ? SEC / this.params.updates.idleRate : 0;
  private readonly idleStop = this.params.updates?.stop ?? Infinity;
  /** Completions send no message, so they need no events (see above). */
  private readonly lazy = !this.respond && this.updateProb === 0 && this.idleMean === 0;

  private readonly port = this.ctx.port('in', (num, ref) => this.receive(num, ref as number));
  private readonly wakeTimer = this.ctx.timer((num) => this.wake(num));
  /** Not lazy: when each busy queue finishes its job; when each idle queue sends its next update. */
  private readonly completions = new Calendar(this.lazy ? 0 : this.params.count);
  private readonly idleUpdates = new Calendar(this.lazy ? 0 : this.params.count);
  /** The pending wake-up: its generation (older ones are ignored) and time. */
  private wakeGen = 0;

  // Infinity among them makes the literal an array of doubles from the start (see network/running.ts).
  private readonly acc: number[] = [0, 0, 0, Infinity, -Infinity, 0, 0, 0, Infinity, -Infinity, 0, 0, 0, 0, 0, Infinity, SEC / this.params.speed, this.params.warmup];
  private readonly waitStat = this.ctx.stats.tally('wait');
  private readonly responseStat = this.ctx.stats.tally('response');
  private readonly served = this.ctx.stats.counter('served');
  private readonly stolen = this.ctx.stats.counter('stolen');
  private readonly longest = this.ctx.stats.counter('longestQueue');
  /** Time-average of the jobs in the bank, set at the end: ∫ jobs dt is the sum of the jobs' times in the bank. */
  private readonly meanInSystem = this.ctx.stats.counter('meanInSystem');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const current = () => {
      this.catchUp(this.ctx.now);
      return this.acc;
    };
    answerProbes(this.ctx, { inSystem: () => current()[TOTAL]!, served: () => current()[SERVED]!, longestQueue: () => this.acc[LONGEST]! });
  }

  override init(): void {
    if (this.idleMean > 0) for (let q = 0; q < this.n; q++) this.scheduleIdle(q);
    this.arm();
  }

  override finish(): void {
    const now = this.ctx.now;
    this.catchUp(now);
    const acc = this.acc;
    // Jobs still in the bank (a run stopped before its queues drained) count up to now.
    let area = acc[AREA]!;
    for (let q = 0; q < this.n; q++) area += this.timeInSystem(q, now);
    this.meanInSystem.value = now > 0 ? area / now : acc[TOTAL]!;
    this.served.value = acc[SERVED]!;
    this.longest.value = acc[LONGEST]!;
    this.waitStat.mergeSlots(acc, W);
    this.responseStat.mergeSlots(acc, R);
  }

  /** Lazy: brings every queue up to time t (before its statistics or totals are read). */
  private catchUp(t: number): void {
    if (this.lazy) for (let q = 0; q < this.n; q++) this.advance(q, t);
  }

  /** Not lazy: makes sure the kernel wakes the bank at its next due time. */
  private arm(): void {
    if (this.lazy) return;
    const t = Math.min(this.completions.next, this.idleUpdates.next);
    if (t === this.acc[WAKE_AT]) return;
    this.acc[WAKE_AT] = t;
    this.wakeGen++;
    if (t < Infinity) this.ctx.schedule(this.wakeTimer, t - this.ctx.now, this.wakeGen);
  }

  private wake(gen: number): void {
    if (gen !== this.wakeGen) return; // superseded by an earlier wake-up
    this.acc[WAKE_AT] = Infinity;
    const now = this.ctx.now;
    if (this.lazy) {
      // Jobs that arrived since this wake-up was set may finish later: wake again then; else all is done.
      if (this.acc[LAST_DUE]! > now) this.wakeAgain(this.acc[LAST_DUE]!);
      else this.catchUp(now);
      return;
    }
    // Everything due now, completions first, each in index order (the calendars break ties so).
    while (this.completions.next === now) this.complete(this.completions.first, now);
    while (this.idleUpdates.next === now) this.idleReport(this.idleUpdates.first);
    this.arm();
  }

  /** Lazy: the one wake-up, at t. */
  private wakeAgain(t: number): void {
    this.acc[WAKE_AT] = t;
    this.ctx.schedule(this.wakeTimer, t - this.ctx.now, this.wakeGen);
  }

  private receive(num: number, i: number): void {
    if (num < 0) return this.command(num, i);
    const now = this.ctx.now;
    if (this.lazy) this.advance(i, now);
    const acc = this.acc;
    const size = Math.round(this.law.sample(this.rng) * acc[SCALE]!);
    const len = this.q[8 * i]!;
    // FIFO: the job starts when it arrives or when the one before it finishes.
    const due = (len === 0 ? now : this.tailDue(i)) + size;
    this.push(i, now, due, num);
    if (len + 1 > acc[LONGEST]!) acc[LONGEST] = len + 1;
    acc[TOTAL]!++;
    if (len === 0) {
      if (now >= acc[WARMUP]!) tallyAdd(acc, W, 0);
      if (!this.lazy) {
        this.idleUpdates.remove(i);
        this.completions.set(i, due);
        this.arm();
      }
    }
    if (this.lazy && due > acc[LAST_DUE]!) {
      acc[LAST_DUE] = due;
      if (acc[WAKE_AT] === Infinity) this.wakeAgain(due);
    }
  }

  /** Lazy: queue i as at time t (its completions due by then happen). */
  private advance(i: number, t: number): void {
    const q = this.q;
    if (q[8 * i]! > 0 && q[8 * i + 3]! <= t) this.complete(i, t);
  }

  /** The jobs of queue i due by t leave, in order; each next one starts when the one before it leaves. */
  private complete(i: number, t: number): void {
    const q = this.q;
    const b = 8 * i;
    const acc = this.acc;
    let due = q[b + 3]!;
    let len: number;
    for (;;) {
      this.depart(i, due, q[b + 2]!, this.headToken(i));
      this.shift(i);
      len = q[b]!;
      if (this.updateProb > 0 && this.rng.next() < this.updateProb) this.port.send(report(len), i);
      if (len === 0) break;
      const arrived = q[b + 2]!;
      if (arrived >= acc[WARMUP]!) tallyAdd(acc, W, due - arrived);
      due = q[b + 3]!;
      if (due > t) break;
    }
    if (len > 0) {
      if (!this.lazy) this.completions.set(i, due);
    } else this.emptied(i);
  }

  private emptied(i: number): void {
    if (this.lazy) return;
    this.completions.remove(i);
    if (this.idleMean > 0) this.scheduleIdle(i);
  }

  /** A job of queue i, here since `arrived`, leaves at time `at`. */
  private depart(i: number, at: number, arrived: number, token: number): void {
    const acc = this.acc;
    if (arrived >= acc[WARMUP]!) tallyAdd(acc, R, at - arrived);
    acc[AREA]! += at - arrived;
    acc[SERVED]!++;
    acc[TOTAL]!--;
    if (this.respond) this.port.send(token, i);
  }

  private scheduleIdle(i: number): void {
    const t = this.ctx.now + Math.round(this.rng.exponential(this.idleMean));
    if (t <= this.idleStop) this.idleUpdates.set(i, t);
  }

  private idleReport(i: number): void {
    this.idleUpdates.remove(i);
    this.port.send(report(0), i);
    this.scheduleIdle(i);
  }

  private command(op: number, i: number): void {
    if (this.lazy) this.advance(i, this.ctx.now);
    if (op === PROBE_LENGTH) this.port.send(report(this.q[8 * i]!), i);
    else if (op === PROBE_WORK) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: server.bank does not report unfinished work; use server.queue for LL(d)`, { component: this.ctx.path });
    } else if (op === STEAL) {
      this.steal(i);
      this.port.send(report(this.q[8 * i]!), i);
      this.arm();
    }
  }

  /** The central server takes queue i's first waiting job, else the one in service. */
  private steal(i: number): void {
    const len = this.q[8 * i]!;
    if (len === 0) return;
    this.stolen.value++;
    const now = this.ctx.now;
    if (len === 1) {
      this.depart(i, now, this.q[8 * i + 2]!, this.headToken(i));
      this.shift(i);
      return this.emptied(i);
    }
    const arrived = this.take(i);
    this.depart(i, now, arrived, this.takenToken);
  }
}
