import { z } from 'zod';
import { Component, defineSpec, SEC, units, type Port, type Tally } from '@splitsim/kernel';
import { LoadWindow } from './load-window.ts';
import { answerProbes } from './probe-port.ts';
import { family, statusLoad, statusRejected, tagClass, tagCustomer } from './protocol.ts';

const params = z
  .object({
    /** Servers it can send to: ports server0..server{n-1}, linked to servers' `client<i>` ports. */
    servers: z.number().int().positive(),
    /** Load-aware rerouting on (the post's smart routing) or off (plain hashing). */
    smart: z.boolean().default(true),
    /** Sliding window of load reports: "4s". */
    window: units.time().default(4_000_000_000_000),
    /** Rehash when the base server's mean reported load is at or above this. */
    threshold: z.number().positive().default(0.9),
    /** Random servers tried before falling back to the base one; default: the number of servers. */
    attempts: z.number().int().positive().optional(),
    /** Latency classes kept apart (from each request's tag). */
    classes: z.number().int().positive().max(512).default(1),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * The routing post's thick client. A request goes to hash(customer) mod n; with smart routing,
 * if that server's mean load over the window (from the loads servers put in their responses) is
 * at or above the threshold, it tries random servers and takes the first below it (a "rehash"),
 * else keeps the base one. Outstanding requests are slots in typed arrays; the server sees the
 * slot as the token and the customer's tag. Latency (ps) per class; for probes, windowed means
 * since the previous query (latency in seconds), the rehash rate and the perceived load per server.
 */
export class LoadAwareClient extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'client.load-aware',
    kinds: ['client'],
    description: 'Hash routing to servers with load-aware rehashing over a sliding window of reported loads (the routing post)',
    ports: ['in', 'out', 'probe', 'server*'],
    params,
    statistics: {
      requests: { type: 'counter', unit: 'requests', description: 'Requests received on in and sent to a server' },
      responses: { type: 'counter', unit: 'requests', description: 'Responses received, refusals included' },
      rehashes: { type: 'counter', unit: 'requests', description: 'Requests sent away from their hash server because its windowed load was at or above threshold' },
      rejected: { type: 'counter', unit: 'requests', description: 'Responses saying the server refused the request' },
      latency: { type: 'tally', unit: 'ps', description: 'Creation time the request carries to its response, per answered request' },
      latencyQuantiles: { type: 'quantiles', unit: 'ps', description: 'Percentiles of latency' },
      'latency.class*': { type: 'tally', unit: 'ps', description: 'latency of the requests of class k (when classes > 1)' },
    },
  });

  private readonly n = this.params.servers;
  private readonly attempts = this.params.attempts ?? this.n;
  private readonly out = this.ctx.port('out');
  private readonly serverPorts: Port[];
  private readonly windows: LoadWindow[];
  private readonly requests = this.ctx.stats.counter('requests');
  private readonly responses = this.ctx.stats.counter('responses');
  private readonly rehashes = this.ctx.stats.counter('rehashes');
  private readonly rejected = this.ctx.stats.counter('rejected');
  private readonly latency = this.ctx.stats.tally('latency');
  private readonly latencyQ = this.ctx.stats.quantiles('latencyQuantiles');
  private readonly byClass: Tally[] = [];
  // Outstanding requests.
  private created = new Float64Array(64);
  private tags = new Float64Array(64);
  private free: number[] = [];
  private used = 0;
  // Since the last probe query: per class latency sums and counts (index classes = all), rehashes, requests.
  private readonly winSum: Float64Array;
  private readonly winCount: Float64Array;
  private winRehashes = 0;
  private winRequests = 0;

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const k = this.params.classes;
    if (k > 1) for (let c = 0; c < k; c++) this.byClass.push(this.ctx.stats.tally(`latency.class${c}`));
    this.winSum = new Float64Array(k + 1);
    this.winCount = new Float64Array(k + 1);
    this.windows = Array.from({ length: this.n }, () => new LoadWindow(this.params.window));
    this.ctx.port('in', (num, ref) => this.request(num, ref));
    this.serverPorts = family('server', this.n).map((name, i) => this.ctx.port(name, (num, ref) => this.response(i, num, ref)));
    const metrics: Record<string, () => number> = {
      requests: () => this.requests.value,
      rehashes: () => this.rehashes.value,
      rehashRate: () => {
        const r = this.winRequests > 0 ? this.winRehashes / this.winRequests : 0;
        this.winRehashes = this.winRequests = 0;
        return r;
      },
      latency: () => this.windowMean(k),
    };
    for (let c = 0; c < k && k > 1; c++) metrics[`latency.class${c}`] = () => this.windowMean(c);
    for (let s = 0; s < this.n; s++) metrics[`perceived.server${s}`] = () => this.windows[s]!.mean(this.ctx.now);
    answerProbes(this.ctx, metrics);
  }

  private windowMean(i: number): number {
    // Seconds: probe series are for people to read.
    const m = this.winCount[i]! > 0 ? this.winSum[i]! / this.winCount[i]! / SEC : NaN;
    this.winSum[i] = 0;
    this.winCount[i] = 0;
    return m;
  }

  private choose(customer: number): number {
    const base = customer % this.n;
    if (!this.params.smart) return base;
    const now = this.ctx.now;
    const threshold = this.params.threshold;
    if (this.windows[base]!.mean(now) < threshold) return base;
    // The post rehashes with a random salt, i.e. a uniformly random server per attempt.
    for (let a = 0; a < this.attempts; a++) {
      const s = this.ctx.rng.int(this.n);
      if (this.windows[s]!.mean(now) < threshold) {
        this.rehashes.value++;
        this.winRehashes++;
        return s;
      }
    }
    return base;
  }

  private request(created: number, ref: unknown): void {
    this.requests.value++;
    this.winRequests++;
    const slot = this.free.length > 0 ? this.free.pop()! : this.grow();
    this.created[slot] = created;
    const t = typeof ref === 'number' ? ref : 0;
    this.tags[slot] = t;
    this.serverPorts[this.choose(tagCustomer(t))]!.send(slot, t);
  }

  private grow(): number {
    if (this.used === this.created.length) {
      const c = new Float64Array(this.used * 2);
      const t = new Float64Array(this.used * 2);
      c.set(this.created);
      t.set(this.tags);
      this.created = c;
      this.tags = t;
    }
    return this.used++;
  }

  private response(server: number, slot: number, status: unknown): void {
    const now = this.ctx.now;
    this.responses.value++;
    this.windows[server]!.add(now, statusLoad(status));
    const t = this.tags[slot]!;
    const created = this.created[slot]!;
    this.free.push(slot);
    if (statusRejected(status)) {
      this.rejected.value++;
      return;
    }
    const l = now - created;
    this.latency.add(l);
    this.latencyQ.add(l);
    const k = this.params.classes;
    this.winSum[k]! += l;
    this.winCount[k]!++;
    if (k > 1) {
      const c = Math.min(tagClass(t), k - 1);
      this.byClass[c]!.add(l);
      this.winSum[c]! += l;
      this.winCount[c]!++;
    }
    if (this.out.connected) this.out.send(created, t);
  }
}
