import { Component, defineSpec, distribution, distributionSchema, SEC, units, z, type Distribution, type Port } from 'splitsim';
import { Lane, type Msg } from './lane.ts';
import type { Delivery, Publish } from './messages.ts';

const params = z
  .object({
    /** Producer connections (ports producer<c>), consumers (consumer<j>), replicas (replica<r>). */
    producers: z.number().int().nonnegative().default(1),
    consumers: z.number().int().nonnegative().default(1),
    replicas: z.number().int().nonnegative().default(0),
    /** When a message counts as stored: on this broker's disk, on a majority of the copies, or on all. */
    ack: z.enum(['leader', 'quorum', 'all']).default('leader'),
    /** Writing one message to disk (writes run side by side). */
    persist: units.time('1ms'),
    /** Worker threads, and the time one takes to process (deliver) a message, seconds. */
    threads: z.number().int().positive().default(10),
    service: distributionSchema().default({ type: 'exponential', mean: 1 / 12 }),
    /**
     * shared: one pool; a message's processing takes (1 + overhead · busy/threads) times longer
     * (busy counting itself): the seed's μ_eff = μ / (1 + α·N_active/N_threads). dedicated: each
     * connection its own `connectionThreads` workers, costing `threadsPerConnection` of the
     * threads; connections beyond threads / threadsPerConnection are refused.
     */
    threading: z.enum(['shared', 'dedicated']).default('shared'),
    overhead: z.number().nonnegative().default(0),
    threadsPerConnection: z.number().int().positive().default(2),
    connectionThreads: z.number().int().positive().default(1),
    /** key: a key's messages one at a time, in order (the next once the previous is acknowledged); none: any order. */
    ordering: z.enum(['none', 'key']).default('none'),
    /** A delivered message not acknowledged within this becomes visible again (at-least-once). */
    visibility: units.time('30s'),
    /** Most messages stored (not yet acknowledged by a consumer); publishes beyond are refused. */
    capacity: z.number().int().positive().optional(),
    /** Sample the number of visible messages into the series `queue` at this interval. */
    sample: units.time().optional(),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * A message broker in the manner of the broker study (seed 002) and of cloud queues: producers
 * publish, the broker writes each message to its disk and, with replicas, sends it to them, and
 * acknowledges the producer once the ack policy is met (the message then becomes visible).
 * Worker threads take visible messages (shared pool or per connection; any order or per key in
 * order) and process them, then hand them to a consumer; a message not acknowledged within the
 * visibility timeout is made visible again and delivered again (duplicates are the consumer's to
 * count). Acting as a replica (port `primary`), it writes what its primary sends and answers.
 *
 * Stored messages are durable: after a crash the broker comes back with every stored,
 * unacknowledged message visible again; what was being written, processed or replicated is lost.
 */
export class Broker extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'broker.queue',
    kinds: ['broker'],
    description: 'message broker: replication with an ack policy, shared or dedicated worker threads, per-key ordering, visibility timeout and redelivery',
    ports: ['producer*', 'consumer*', 'replica*', 'primary'],
    params,
    crashable: true,
    statistics: {
      stored: { type: 'counter', description: 'messages stored as the ack policy asks (acknowledged to producers)' },
      refused: { type: 'counter', description: 'publishes refused (queue full, or a dedicated connection with no thread)' },
      processed: { type: 'counter', description: 'processings by a worker thread (redeliveries included)' },
      redelivered: { type: 'counter', description: 'visibility timeouts: deliveries made visible again' },
      expiredFirst: { type: 'counter', description: 'first deliveries that timed out' },
      consumed: { type: 'counter', description: 'messages acknowledged by a consumer (removed)' },
      wait: { type: 'tally', unit: 'ps', description: 'visible to taken by a thread' },
      visible: { type: 'timeWeighted', unit: 'messages', description: 'messages visible, waiting for a thread' },
      busy: { type: 'timeWeighted', unit: 'threads', description: 'threads processing' },
      replicated: { type: 'counter', description: 'messages written as a replica' },
      queue: { type: 'series', unit: 'messages', description: 'visible messages, sampled every `sample`' },
    },
  });

  private readonly producers: Port[] = [];
  private readonly consumers: Port[] = [];
  private readonly replicaPorts: Port[] = [];
  private readonly primary: Port;
  private readonly law: Distribution;
  private readonly need: number;
  private lanes: Lane[] = [];
  private nextConsumer = 0;
  /** Durable: stored, unacknowledged messages, by id (in publish order). */
  private readonly store = new Map<number, Msg>();
  /** Being written or replicated (volatile). */
  private pending = new Map<number, Msg>();
  private readonly written = this.ctx.timer((_n, m) => this.onWritten(m as Msg));
  private readonly replicaWritten = this.ctx.timer((id) => this.primary.send(id));
  private readonly processedTimer = this.ctx.timer((_n, m) => this.onProcessed(m as Msg));
  private readonly expiry = this.ctx.timer((gen, m) => this.onExpiry(gen, m as Msg));
  private readonly sampler = this.ctx.timer(() => this.onSample());
  private readonly storedCount = this.ctx.stats.counter('stored');
  private readonly refused = this.ctx.stats.counter('refused');
  private readonly processed = this.ctx.stats.counter('processed');
  private readonly redelivered = this.ctx.stats.counter('redelivered');
  private readonly expiredFirst = this.ctx.stats.counter('expiredFirst');
  private readonly consumed = this.ctx.stats.counter('consumed');
  private readonly wait = this.ctx.stats.tally('wait');
  private readonly visible = this.ctx.stats.timeWeighted('visible');
  private readonly busy = this.ctx.stats.timeWeighted('busy');
  private readonly replicated = this.ctx.stats.counter('replicated');
  private readonly queue = this.ctx.stats.series('queue');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const p = this.params;
    this.law = distribution(p.service);
    const copies = p.replicas + 1;
    this.need = p.ack === 'leader' ? 1 : p.ack === 'all' ? copies : Math.floor(copies / 2) + 1;
    for (let c = 0; c < p.producers; c++) this.producers.push(this.ctx.port(`producer${c}`, (id, ref) => this.onPublish(c, id, ref as Publish)));
    for (let j = 0; j < p.consumers; j++) this.consumers.push(this.ctx.port(`consumer${j}`, (id) => this.onAck(id)));
    for (let r = 0; r < p.replicas; r++) this.replicaPorts.push(this.ctx.port(`replica${r}`, (id) => this.onReplicaAck(id)));
    this.primary = this.ctx.port('primary', (id) => this.ctx.schedule(this.replicaWritten, p.persist, id));
    this.makeLanes();
    this.ctx.onRecover(() => this.recover());
  }

  override init(): void {
    if (this.params.sample !== undefined) this.ctx.schedule(this.sampler, this.params.sample);
  }

  private makeLanes(): void {
    const p = this.params;
    const key = p.ordering === 'key';
    if (p.threading === 'shared') this.lanes = [new Lane(p.threads, key)];
    else {
      const served = Math.min(p.producers, Math.floor(p.threads / p.threadsPerConnection));
      this.lanes = Array.from({ length: served }, () => new Lane(p.connectionThreads, key));
    }
  }

  private laneOf(m: Msg): Lane {
    return this.params.threading === 'shared' ? this.lanes[0]! : this.lanes[m.conn]!;
  }

  private onPublish(conn: number, id: number, pub: Publish): void {
    const p = this.params;
    const known = this.store.get(id);
    if (known !== undefined || this.pending.has(id)) {
      // A producer's retry of a message already stored: acknowledge again; one being stored: wait.
      if (known?.committed) this.producers[conn]!.send(id);
      return;
    }
    if (conn >= this.lanes.length && p.threading === 'dedicated') return this.refuse(conn, id);
    if (p.capacity !== undefined && this.store.size + this.pending.size >= p.capacity) return this.refuse(conn, id);
    const m: Msg = { id, key: pub.key, t: pub.t, conn, deliveries: 0, gen: 0, acked: false, visibleAt: 0, copies: 0, committed: false };
    this.pending.set(id, m);
    this.ctx.schedule(this.written, p.persist, 0, m);
    for (const r of this.replicaPorts) r.send(id, pub);
  }

  private refuse(conn: number, id: number): void {
    this.refused.value++;
    this.producers[conn]!.send(-1 - id);
  }

  private onWritten(m: Msg): void {
    this.store.set(m.id, m);
    this.copy(m);
  }

  private onReplicaAck(id: number): void {
    const m = this.pending.get(id) ?? this.store.get(id);
    if (m && !m.committed) this.copy(m);
  }

  /** One more copy on disk; at the policy's count, acknowledge and make visible. */
  private copy(m: Msg): void {
    m.copies++;
    if (m.committed || m.copies < this.need || !this.store.has(m.id)) return;
    m.committed = true;
    this.pending.delete(m.id);
    this.storedCount.value++;
    this.producers[m.conn]!.send(m.id);
    this.show(m, false);
    this.dispatch(this.laneOf(m));
  }

  private show(m: Msg, front: boolean): void {
    m.visibleAt = this.ctx.now;
    this.laneOf(m).add(m, front);
    this.visible.set(this.visible.current + 1);
  }

  private dispatch(lane: Lane): void {
    const p = this.params;
    for (let m = lane.take(); m !== null; m = lane.take()) {
      this.visible.set(this.visible.current - 1);
      if (m.acked) {
        // A late acknowledgement of an earlier delivery came while it was visible again: drop it.
        lane.release(m.key);
        continue;
      }
      lane.busy++;
      this.busy.set(this.busy.current + 1);
      this.wait.add(this.ctx.now - m.visibleAt);
      let s = this.law.sample(this.ctx.rng) * SEC;
      if (p.threading === 'shared') s *= 1 + (p.overhead * lane.busy) / lane.threads;
      this.ctx.schedule(this.processedTimer, s, 0, m);
    }
  }

  private onProcessed(m: Msg): void {
    const lane = this.laneOf(m);
    lane.busy--;
    this.busy.set(this.busy.current - 1);
    this.processed.value++;
    // Acknowledged meanwhile (an earlier delivery finished after its timeout; the acknowledgement
    // released the key): nothing to deliver.
    if (!m.acked && this.consumers.length > 0) {
      m.deliveries++;
      m.gen++;
      const c = this.consumers[this.nextConsumer]!;
      this.nextConsumer = (this.nextConsumer + 1) % this.consumers.length;
      c.send(m.id, { key: m.key, t: m.t, n: m.deliveries } satisfies Delivery);
      this.ctx.schedule(this.expiry, this.params.visibility, m.gen, m);
    }
    this.dispatch(lane);
  }

  private onAck(id: number): void {
    const m = this.store.get(id);
    if (!m || m.acked) return;
    m.acked = true;
    this.store.delete(id);
    this.consumed.value++;
    const lane = this.laneOf(m);
    lane.release(m.key);
    this.dispatch(lane);
  }

  private onExpiry(gen: number, m: Msg): void {
    if (m.acked || m.gen !== gen || !this.store.has(m.id)) return;
    this.redelivered.value++;
    if (m.deliveries === 1) this.expiredFirst.value++;
    const lane = this.laneOf(m);
    this.show(m, true);
    lane.release(m.key);
    this.dispatch(lane);
  }

  private onSample(): void {
    this.queue.add(this.ctx.now, this.visible.current);
    this.ctx.schedule(this.sampler, this.params.sample!);
  }

  /** After a crash: every stored message visible again, in publish order; the rest is gone. */
  private recover(): void {
    this.pending = new Map();
    this.makeLanes();
    this.busy.set(0);
    this.visible.set(0);
    for (const m of this.store.values()) {
      // On its disk, so stored: a producer's retry is acknowledged from now on.
      m.committed = true;
      m.gen++;
      this.show(m, false);
    }
    for (const lane of this.lanes) this.dispatch(lane);
    if (this.params.sample !== undefined) this.ctx.schedule(this.sampler, this.params.sample);
  }
}
