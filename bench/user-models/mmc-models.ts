/**
 * The M/M/c models as a user would write them in their own project: a model module that
 * imports everything from `splitsim`. The code is a deliberate copy of the built-in
 * source.poisson, server.fifo and sink.latency (renamed user.*), so that `npm run bench -- mmc
 * --user-models` compares the same algorithms loaded two ways: from the built-in module, and
 * from a user's module through the model-module machinery. Keep them in step with the built-in ones.
 */
import { Component, defineSpec, SEC, z } from 'splitsim';

const sourceParams = z
  .object({
    /** Arrivals per second of simulated time. */
    rate: z.number().positive(),
    /** Jobs to emit before falling silent; unlimited by default. */
    jobs: z.number().int().nonnegative().default(Number.MAX_SAFE_INTEGER),
  })
  .strict();

/**
 * Emits jobs with exponential gaps. A job is one number on the wire: its creation time, so
 * the sink can measure end-to-end latency without any per-job object.
 */
export class UserPoissonSource extends Component<z.output<typeof sourceParams>> {
  static readonly spec = defineSpec({
    model: 'user.source',
    kinds: ['source'],
    description: 'Poisson arrivals at a rate per second, optionally a fixed number of jobs',
    ports: ['out'],
    params: sourceParams,
  });

  private readonly out = this.ctx.port('out');
  private readonly tick = this.ctx.timer(() => this.arrive());
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly rng = this.ctx.rng;
  private readonly mean = SEC / this.params.rate;
  private left = this.params.jobs;

  override init(): void {
    if (this.left > 0) this.ctx.schedule(this.tick, this.rng.exponential(this.mean));
  }

  private arrive(): void {
    this.out.send(this.ctx.now);
    this.sent.value++;
    if (--this.left > 0) this.ctx.schedule(this.tick, this.rng.exponential(this.mean));
  }
}

const serverParams = z
  .object({
    /** Parallel servers (c). */
    servers: z.number().int().positive().default(1),
    /** Service rate of one server, jobs per second (mu); service times are exponential. */
    rate: z.number().positive(),
    /** Most jobs waiting (not in service); arrivals beyond it are rejected. Unlimited by default. */
    capacity: z.number().int().nonnegative().default(Number.MAX_SAFE_INTEGER),
  })
  .strict();

/**
 * c identical servers in front of one FIFO line with exponential service: the M/M/c(/K) station.
 * Jobs in service and in line live in typed arrays (a server table and a growable ring), so a
 * job costs no allocation. Times in statistics are picoseconds.
 */
export class UserFifoServer extends Component<z.output<typeof serverParams>> {
  static readonly spec = defineSpec({
    model: 'user.server',
    kinds: ['server'],
    description: 'c servers, one FIFO line with optional capacity, exponential service',
    ports: ['in', 'out'],
    params: serverParams,
  });

  private readonly out = this.ctx.port('out');
  private readonly done = this.ctx.timer((server) => this.complete(server));
  private readonly rng = this.ctx.rng;
  private readonly meanService = SEC / this.params.rate;
  private readonly capacity = this.params.capacity;

  private readonly wait = this.ctx.stats.tally('wait');
  private readonly response = this.ctx.stats.tally('response');
  private readonly waitCI = this.ctx.stats.batchMeans('waitBatchMeans');
  private readonly served = this.ctx.stats.counter('served');
  private readonly rejected = this.ctx.stats.counter('rejected');

  // Server table: what each busy server holds.
  private readonly created: Float64Array;
  private readonly arrived: Float64Array;
  private readonly idle: Int32Array;
  private idleCount: number;

  // The line, a ring buffer of (created, arrived).
  private lineCreated = new Float64Array(64);
  private lineArrived = new Float64Array(64);
  private head = 0;
  private length = 0;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof serverParams>>>) {
    super(...args);
    const c = this.params.servers;
    this.created = new Float64Array(c);
    this.arrived = new Float64Array(c);
    this.idle = new Int32Array(c);
    for (let i = 0; i < c; i++) this.idle[i] = c - 1 - i;
    this.idleCount = c;
    this.ctx.port('in', (job) => this.arrive(job));
  }

  private arrive(job: number): void {
    const now = this.ctx.now;
    if (this.idleCount > 0) this.begin(this.idle[--this.idleCount]!, job, now);
    else if (this.length < this.capacity) this.enqueue(job, now);
    else this.rejected.value++;
  }

  private begin(server: number, job: number, arrived: number): void {
    const w = this.ctx.now - arrived;
    this.wait.add(w);
    this.waitCI.add(w);
    this.created[server] = job;
    this.arrived[server] = arrived;
    this.ctx.schedule(this.done, this.rng.exponential(this.meanService), server);
  }

  private complete(server: number): void {
    this.response.add(this.ctx.now - this.arrived[server]!);
    this.served.value++;
    this.out.send(this.created[server]!);
    if (this.length > 0) {
      const mask = this.lineCreated.length - 1;
      const i = this.head;
      this.head = (i + 1) & mask;
      this.length--;
      this.begin(server, this.lineCreated[i]!, this.lineArrived[i]!);
    } else {
      this.idle[this.idleCount++] = server;
    }
  }

  private enqueue(job: number, now: number): void {
    if (this.length === this.lineCreated.length) this.growLine();
    const i = (this.head + this.length) & (this.lineCreated.length - 1);
    this.lineCreated[i] = job;
    this.lineArrived[i] = now;
    this.length++;
  }

  private growLine(): void {
    const n = this.lineCreated.length;
    const created = new Float64Array(2 * n);
    const arrived = new Float64Array(2 * n);
    for (let k = 0; k < this.length; k++) {
      const i = (this.head + k) & (n - 1);
      created[k] = this.lineCreated[i]!;
      arrived[k] = this.lineArrived[i]!;
    }
    this.lineCreated = created;
    this.lineArrived = arrived;
    this.head = 0;
  }
}

const sinkParams = z
  .object({
    /** Stop the whole run once this many jobs have arrived; never by default. */
    stopAfter: z.number().int().positive().optional(),
  })
  .strict();

/** Absorbs jobs and records their end-to-end latency (now minus the creation time they carry). */
export class UserLatencySink extends Component<z.output<typeof sinkParams>> {
  static readonly spec = defineSpec({
    model: 'user.sink',
    kinds: ['sink'],
    description: 'Absorbs jobs; latency mean, variance and quantiles (±1 %)',
    ports: ['in'],
    params: sinkParams,
  });

  private readonly latency = this.ctx.stats.tally('latency');
  private readonly quantiles = this.ctx.stats.quantiles('latencyQuantiles');
  private readonly stopAfter = this.params.stopAfter ?? Infinity;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof sinkParams>>>) {
    super(...args);
    this.ctx.port('in', (job) => this.absorb(job));
  }

  private absorb(created: number): void {
    const l = this.ctx.now - created;
    this.latency.add(l);
    this.quantiles.add(l);
    if (this.latency.count >= this.stopAfter) this.ctx.stop(`${this.latency.count} jobs arrived at ${this.ctx.path}`);
  }
}
