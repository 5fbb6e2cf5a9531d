import { z } from 'zod';
import { Component, defineSpec, SEC } from '@splitsim/kernel';

const params = z
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
export class FifoServer extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'server.fifo',
    kinds: ['server'],
    default: true,
    description: 'c servers, one FIFO line with optional capacity, exponential service',
    ports: ['in', 'out'],
    params,
    statistics: {
      wait: { type: 'tally', unit: 'ps', description: 'Arrival to start of service, per job that began service' },
      response: { type: 'tally', unit: 'ps', description: 'Arrival to departure, per served job' },
      waitBatchMeans: { type: 'batchMeans', unit: 'ps', description: 'The mean wait with a 95 % confidence half-width, by batch means' },
      served: { type: 'counter', unit: 'jobs', description: 'Jobs that finished service' },
      rejected: { type: 'counter', unit: 'jobs', description: 'Arrivals refused because the line held capacity jobs' },
    },
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

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
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
