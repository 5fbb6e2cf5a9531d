import { z } from 'zod';
import { Component, defineSpec, SEC, units, type Port } from '@splitsim/kernel';
import { distribution, distributionSchema, type Distribution } from '../distributions/index.ts';
import { JobPool } from './job-pool.ts';
import { answerProbes } from './probe-port.ts';
import { family, PROBE_LENGTH, PROBE_WORK, report, status, STEAL, tagClass, UNSOLICITED } from './protocol.ts';
import { IntRing } from './ring.ts';

const params = z
  .object({
    /** Parallel servers (c); the post's "concurrency". */
    servers: z.number().int().positive().default(1),
    /** Service time (seconds) of a job at speed 1; by class with serviceByClass. */
    service: distributionSchema(),
    serviceByClass: z.array(distributionSchema()).optional(),
    /** Work done per second of service: resource pooling runs servers at 1 - p. */
    speed: z.number().positive().default(1),
    /** Priority classes (class 0 first); a job's class comes from its tag. */
    classes: z.number().int().positive().max(512).default(1),
    discipline: z.enum(['fifo', 'priority']).default('fifo'),
    /** Priority only: an arrival interrupts a lower-class job in service, which resumes later. */
    preemptive: z.boolean().default(false),
    /** K: most jobs in the system (in service and waiting); arrivals beyond are rejected. */
    capacity: z.number().int().positive().optional(),
    /** Most jobs waiting (not in service); the post's max_queue_depth. */
    queueLimit: z.number().int().nonnegative().optional(),
    /** Request/response ports client0..client{n-1} to open. */
    clients: z.number().int().nonnegative().default(0),
    /** Extra open-loop inputs in0..in{n-1} (several sources into one line); they behave like `in`. */
    inputs: z.number().int().nonnegative().default(0),
    /** Reports of the queue length sent on `in` (pull load balancing). */
    updates: z
      .object({
        /** Probability of a report at each completion. */
        onCompletion: z.number().min(0).max(1).default(0),
        /** Reports per second while the server is empty. */
        idleRate: z.number().nonnegative().default(0),
        /** No idle reports after this time, so that a run can drain and end. */
        stop: units.time().optional(),
      })
      .strict()
      .optional(),
    /** Jobs that arrive before this time are left out of the wait and response statistics. */
    warmup: units.time().default(0),
    /** `lean` keeps only tallies, counters and time averages (no percentiles, no batch means): for 10^5 servers. */
    detail: z.enum(['full', 'lean']).default('full'),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * c servers in front of waiting lines: FIFO, or one line per priority class, preemptive-resume or
 * not; capacity K and a queue limit with rejection; the load (busy servers, the finished job
 * excluded, over c) in every response. Jobs arriving on `in` leave on `out` (if linked); jobs on
 * `client<i>` are answered on `client<i>`. Commands (probe length or work, steal) are answered on
 * the port they came on; updates for pull dispatchers go out on `in`. The service time is drawn
 * when a job arrives, so the unfinished work is known. Times in statistics are picoseconds.
 */
export class QueueServer extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'server.queue',
    kinds: ['server'],
    description: 'c servers; FIFO or priority classes (preemptive or not); capacity K and queue limit; any service distribution; load in responses',
    ports: ['in', 'in*', 'out', 'probe', 'client*'],
    params,
    statistics: {
      wait: { type: 'tally', unit: 'ps', description: 'Arrival to first start of service, per job that began service (arrivals after warmup)' },
      response: { type: 'tally', unit: 'ps', description: 'Arrival to departure (served or stolen), per job (arrivals after warmup)' },
      'wait.class*': { type: 'tally', unit: 'ps', description: 'wait of the jobs of class k (when classes > 1)' },
      'response.class*': { type: 'tally', unit: 'ps', description: 'response of the jobs of class k (when classes > 1)' },
      responseQuantiles: { type: 'quantiles', unit: 'ps', description: 'Percentiles of response (detail full)' },
      waitBatchMeans: { type: 'batchMeans', unit: 'ps', description: 'The mean wait with a 95 % confidence half-width, by batch means (detail full)' },
      arrived: { type: 'counter', unit: 'jobs', description: 'Jobs that arrived, rejected ones included' },
      served: { type: 'counter', unit: 'jobs', description: 'Jobs that left, stolen ones included' },
      rejected: { type: 'counter', unit: 'jobs', description: 'Arrivals refused by capacity or queueLimit' },
      stolen: { type: 'counter', unit: 'jobs', description: "Jobs a pooling dispatcher's central server took and finished at once" },
      inSystem: { type: 'timeWeighted', unit: 'jobs', description: 'Jobs in service and waiting, over time' },
      busy: { type: 'timeWeighted', unit: 'servers', description: 'Busy servers, over time (mean / servers is the utilisation)' },
    },
  });

  private readonly c = this.params.servers;
  private readonly rng = this.ctx.rng;
  private readonly laws: Distribution[];
  private readonly scale = SEC / this.params.speed;
  private readonly capacity = this.params.capacity ?? Infinity;
  private readonly queueLimit = this.params.queueLimit ?? Infinity;
  private readonly priority = this.params.discipline === 'priority';
  private readonly preemptive = this.params.preemptive && this.params.discipline === 'priority';
  private readonly warmup = this.params.warmup;
  private readonly updateProb = this.params.updates?.onCompletion ?? 0;
  private readonly idleMean = this.params.updates && this.params.updates.idleRate > 0 ? SEC / this.params.updates.idleRate : 0;
  private readonly idleStop = this.params.updates?.stop ?? Infinity;

  private readonly inPort: Port;
  private readonly out = this.ctx.port('out');
  private readonly clientPorts: Port[];
  private readonly done = this.ctx.timer((num) => this.complete(num));
  private readonly idleTick = this.ctx.timer((num) => this.idleReport(num));

  private readonly wait = this.ctx.stats.tally('wait');
  private readonly response = this.ctx.stats.tally('response');
  private readonly waitByClass: ReturnType<typeof this.ctx.stats.tally>[] = [];
  private readonly responseByClass: ReturnType<typeof this.ctx.stats.tally>[] = [];
  private readonly responseQ = this.params.detail === 'full' ? this.ctx.stats.quantiles('responseQuantiles') : null;
  private readonly waitCI = this.params.detail === 'full' ? this.ctx.stats.batchMeans('waitBatchMeans') : null;
  private readonly arrivedN = this.ctx.stats.counter('arrived');
  private readonly served = this.ctx.stats.counter('served');
  private readonly rejected = this.ctx.stats.counter('rejected');
  private readonly stolen = this.ctx.stats.counter('stolen');
  private readonly inSystemTW = this.ctx.stats.timeWeighted('inSystem');
  private readonly busyTW = this.ctx.stats.timeWeighted('busy');

  private readonly jobs = new JobPool();
  private readonly lines: IntRing[];
  /** Per server: the slot it holds (-1 idle), when it will finish, its event generation. */
  private readonly holding: Int32Array;
  private readonly endAt: Float64Array;
  private readonly gen: Float64Array;
  private readonly idleStack: Int32Array;
  private idleCount: number;
  private waiting = 0;
  private inSystem = 0;
  /** Work owed by waiting jobs, ps. */
  private queuedWork = 0;
  private idleGen = 0;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const p = this.params;
    this.laws = Array.from({ length: p.classes }, (_, k) => distribution(p.serviceByClass?.[k] ?? p.service));
    this.lines = Array.from({ length: this.priority ? p.classes : 1 }, () => new IntRing());
    if (p.classes > 1) {
      for (let k = 0; k < p.classes; k++) {
        this.waitByClass.push(this.ctx.stats.tally(`wait.class${k}`));
        this.responseByClass.push(this.ctx.stats.tally(`response.class${k}`));
      }
    }
    const c = this.c;
    this.holding = new Int32Array(c).fill(-1);
    this.endAt = new Float64Array(c);
    this.gen = new Float64Array(c);
    this.idleStack = Int32Array.from({ length: c }, (_, i) => c - 1 - i);
    this.idleCount = c;
    this.inPort = this.ctx.port('in', (num, ref) => this.receive(num, ref, -1));
    // Extra inputs share `in`'s origin: their jobs leave on `out`. Commands are answered on `in`.
    for (const name of family('in', p.inputs)) this.ctx.port(name, (num, ref) => this.receive(num, ref, -1));
    this.clientPorts = family('client', p.clients).map((name, i) => this.ctx.port(name, (num, ref) => this.receive(num, ref, i)));
    answerProbes(this.ctx, {
      depth: () => this.waiting,
      inSystem: () => this.inSystem,
      load: () => (this.c - this.idleCount) / this.c,
      busy: () => this.c - this.idleCount,
      arrived: () => this.arrivedN.value,
      served: () => this.served.value,
      rejected: () => this.rejected.value,
      work: () => this.work() / SEC,
    });
  }

  override init(): void {
    if (this.idleMean > 0) this.scheduleIdleReport();
  }

  private scheduleIdleReport(): void {
    const delay = this.rng.exponential(this.idleMean);
    if (this.ctx.now + delay <= this.idleStop) this.ctx.schedule(this.idleTick, delay, this.idleGen);
  }

  private portOf(origin: number): Port {
    return origin < 0 ? this.inPort : this.clientPorts[origin]!;
  }

  private receive(num: number, ref: unknown, origin: number): void {
    if (num < 0) return this.command(num, ref, origin);
    this.arrivedN.value++;
    if (this.inSystem >= this.capacity || (this.idleCount === 0 && this.waiting >= this.queueLimit)) {
      this.rejected.value++;
      // The post's servers answer a refused request with load 1.
      if (origin >= 0) this.clientPorts[origin]!.send(num, status(1, true));
      return;
    }
    const cls = Math.min(tagClass(ref), this.params.classes - 1);
    const jobs = this.jobs;
    const slot = jobs.alloc();
    jobs.token[slot] = num;
    jobs.tag[slot] = typeof ref === 'number' ? ref : -1;
    jobs.arrived[slot] = this.ctx.now;
    jobs.work[slot] = Math.round(this.laws[cls]!.sample(this.rng) * this.scale);
    jobs.origin[slot] = origin;
    jobs.cls[slot] = cls;
    jobs.started[slot] = 0;
    this.inSystem++;
    this.inSystemTW.set(this.inSystem);
    if (this.inSystem === 1) this.idleGen++;
    if (this.idleCount > 0) this.start(this.idleStack[--this.idleCount]!, slot);
    else if (this.preemptive && this.preempt(slot)) return;
    else this.enqueue(slot, false);
  }

  private enqueue(slot: number, front: boolean): void {
    const line = this.lines[this.priority ? this.jobs.cls[slot]! : 0]!;
    if (front) line.unshift(slot);
    else line.push(slot);
    this.waiting++;
    this.queuedWork += this.jobs.work[slot]!;
  }

  private start(server: number, slot: number): void {
    const jobs = this.jobs;
    const now = this.ctx.now;
    if (jobs.started[slot] === 0) {
      jobs.started[slot] = 1;
      if (jobs.arrived[slot]! >= this.warmup) {
        const w = now - jobs.arrived[slot]!;
        this.wait.add(w);
        this.waitCI?.add(w);
        if (this.waitByClass.length > 0) this.waitByClass[jobs.cls[slot]!]!.add(w);
      }
    }
    this.holding[server] = slot;
    this.endAt[server] = now + jobs.work[slot]!;
    this.busyTW.set(this.c - this.idleCount);
    this.ctx.schedule(this.done, jobs.work[slot]!, server + this.c * this.gen[server]!);
  }

  /** Interrupts the lowest-class job in service if it ranks below `slot`; true if it did. */
  private preempt(slot: number): boolean {
    const jobs = this.jobs;
    let victim = -1;
    for (let s = 0; s < this.c; s++) {
      const h = this.holding[s]!;
      if (h >= 0 && jobs.cls[h]! > jobs.cls[slot]! && (victim < 0 || jobs.cls[h]! > jobs.cls[this.holding[victim]!]!)) victim = s;
    }
    if (victim < 0) return false;
    const h = this.holding[victim]!;
    jobs.work[h] = this.endAt[victim]! - this.ctx.now;
    this.gen[victim]!++;
    this.enqueue(h, true);
    this.start(victim, slot);
    return true;
  }

  private complete(num: number): void {
    const server = num % this.c;
    if (Math.floor(num / this.c) !== this.gen[server]) return; // preempted or stolen: stale event
    this.gen[server]!++;
    const slot = this.holding[server]!;
    // Load as the post's servers report it: in flight after this job left, before the next starts.
    this.depart(slot, this.c - this.idleCount - 1);
    this.holding[server] = -1;
    this.next(server);
    if (this.updateProb > 0 && this.rng.next() < this.updateProb) this.inPort.send(report(this.inSystem), UNSOLICITED);
  }

  /** Records a job leaving and sends it on: response on its client port, or on `out`. */
  private depart(slot: number, busyAfter: number): void {
    const jobs = this.jobs;
    const now = this.ctx.now;
    if (jobs.arrived[slot]! >= this.warmup) {
      const r = now - jobs.arrived[slot]!;
      this.response.add(r);
      this.responseQ?.add(r);
      if (this.responseByClass.length > 0) this.responseByClass[jobs.cls[slot]!]!.add(r);
    }
    this.served.value++;
    this.inSystem--;
    this.inSystemTW.set(this.inSystem);
    const origin = jobs.origin[slot]!;
    const t = jobs.tag[slot]!;
    if (origin >= 0) this.clientPorts[origin]!.send(jobs.token[slot]!, status(busyAfter / this.c, false));
    else if (this.out.connected) this.out.send(jobs.token[slot]!, t < 0 ? undefined : t);
    jobs.release(slot);
  }

  /** Gives a free server the next waiting job, or marks it idle. */
  private next(server: number): void {
    for (const line of this.lines) {
      if (line.length === 0) continue;
      const slot = line.shift();
      this.waiting--;
      this.queuedWork -= this.jobs.work[slot]!;
      this.start(server, slot);
      return;
    }
    this.idleStack[this.idleCount++] = server;
    this.busyTW.set(this.c - this.idleCount);
    if (this.inSystem === 0 && this.idleMean > 0) this.scheduleIdleReport();
  }

  private idleReport(gen: number): void {
    if (gen !== this.idleGen || this.inSystem > 0) return;
    this.inPort.send(report(0), UNSOLICITED);
    this.scheduleIdleReport();
  }

  /** Unfinished work, ps. */
  private work(): number {
    let w = this.queuedWork;
    for (let s = 0; s < this.c; s++) if (this.holding[s]! >= 0) w += this.endAt[s]! - this.ctx.now;
    return w;
  }

  private command(num: number, ref: unknown, origin: number): void {
    if (num === PROBE_LENGTH) this.portOf(origin).send(report(this.inSystem), ref);
    else if (num === PROBE_WORK) this.portOf(origin).send(report(Math.round(this.work())), ref);
    else if (num === STEAL) {
      this.steal();
      this.portOf(origin).send(report(this.inSystem), ref);
    }
  }

  /** The central server takes the first waiting job (else one in service) and finishes it now. */
  private steal(): void {
    if (this.inSystem === 0) return;
    this.stolen.value++;
    for (const line of this.lines) {
      if (line.length === 0) continue;
      const slot = line.shift();
      this.waiting--;
      this.queuedWork -= this.jobs.work[slot]!;
      this.depart(slot, this.c - this.idleCount);
      return;
    }
    let server = 0;
    while (this.holding[server]! < 0) server++;
    const slot = this.holding[server]!;
    this.gen[server]!++;
    this.holding[server] = -1;
    this.depart(slot, this.c - this.idleCount - 1);
    this.next(server);
  }
}
