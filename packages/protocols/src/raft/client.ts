import { Component, defineSpec, SEC, units, z, type Port } from 'splitsim';
import type { Redirect } from './messages.ts';

const params = z
  .object({
    /** Servers: ports node0 … node<n-1>, one link to each. */
    nodes: z.number().int().min(1),
    /** Requests per second, Poisson. */
    rate: z.number().positive(),
    /** No request is sent at or after this time. */
    stop: units.time().optional(),
    /** A request unanswered for this long is sent again, to the next server. */
    timeout: units.time('500ms'),
    /** After a redirect that names no leader, wait this long before trying the next server. */
    backoff: units.time('10ms'),
    /** A time at least this long with a request waiting and no answer is an availability gap (recorded in `gaps`). */
    gap: units.time('100ms'),
  })
  .strict();

type Params = z.output<typeof params>;

/**
 * Sends requests to a Raft cluster at a Poisson rate, to the server it believes leads; follows
 * redirects, and sends a request again to the next server when it is not answered in time. A
 * request may so be committed twice (Raft alone does not deduplicate): answers after the first
 * are counted as duplicates. Latency is from the first send to the first answer.
 */
export class RaftClient extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'client.raft',
    kinds: ['client'],
    description: 'Poisson requests to a Raft cluster: follows redirects, retries on a timeout, counts duplicates and availability gaps',
    ports: ['node*'],
    params,
    statistics: {
      sent: { type: 'counter', description: 'requests (first sends)' },
      answered: { type: 'counter', description: 'requests answered' },
      latency: { type: 'tally', unit: 'ps', description: 'first send to first answer' },
      latencyQ: { type: 'quantiles', unit: 'ps', description: 'the same, as quantiles' },
      retries: { type: 'counter', description: 'requests sent again after a timeout' },
      redirects: { type: 'counter', description: 'answers from a server that does not lead' },
      duplicates: { type: 'counter', description: 'answers to requests already answered' },
      gaps: { type: 'series', unit: 'ps', description: 'availability gaps (no answer for `gap` or longer while a request waited): at the answer that ended one, its length' },
      lastAnswer: { type: 'counter', unit: 'ps', description: 'time of the last answer' },
    },
  });

  private readonly ports: Port[] = [];
  private leader = 0;
  /** First and last send times of requests 0 … next-1 (first -1 once answered), a window from `oldest` on. */
  private sentAt = new Float64Array(1024);
  private lastAt = new Float64Array(1024);
  private next = 0;
  private oldest = 0;
  private lastAnswerAt = 0;
  private readonly arrival = this.ctx.timer(() => this.arrive());
  private readonly sweep = this.ctx.timer(() => this.retry());
  private readonly resend = this.ctx.timer((id) => this.send(id));
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly answered = this.ctx.stats.counter('answered');
  private readonly latency = this.ctx.stats.tally('latency');
  private readonly latencyQ = this.ctx.stats.quantiles('latencyQ');
  private readonly retries = this.ctx.stats.counter('retries');
  private readonly redirects = this.ctx.stats.counter('redirects');
  private readonly duplicates = this.ctx.stats.counter('duplicates');
  private readonly gaps = this.ctx.stats.series('gaps');
  private readonly lastAnswer = this.ctx.stats.counter('lastAnswer');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    for (let i = 0; i < this.params.nodes; i++) this.ports.push(this.ctx.port(`node${i}`, (num, ref) => this.onAnswer(i, num, ref)));
  }

  override init(): void {
    this.ctx.schedule(this.arrival, this.ctx.rng.exponential(SEC / this.params.rate));
    this.ctx.schedule(this.sweep, this.params.timeout / 2);
  }

  private arrive(): void {
    const stop = this.params.stop;
    if (stop !== undefined && this.ctx.now >= stop) return;
    const id = this.next++;
    if (id - this.oldest >= this.sentAt.length) this.grow();
    this.sentAt[id & (this.sentAt.length - 1)] = this.ctx.now;
    this.lastAt[id & (this.sentAt.length - 1)] = this.ctx.now;
    this.sent.value++;
    this.ports[this.leader]!.send(id);
    this.ctx.schedule(this.arrival, this.ctx.rng.exponential(SEC / this.params.rate));
  }

  private send(id: number): void {
    if (id >= this.oldest && this.sentAt[id & (this.sentAt.length - 1)]! >= 0) this.ports[this.leader]!.send(id);
  }

  private onAnswer(from: number, num: number, ref: unknown): void {
    if (num < 0) {
      this.redirects.value++;
      const id = -1 - num;
      const hint = (ref as Redirect).leader;
      if (hint >= 0 && hint !== from) {
        this.leader = hint;
        this.send(id);
      } else {
        if (this.leader === from) this.leader = (from + 1) % this.ports.length;
        this.ctx.schedule(this.resend, this.params.backoff, id);
      }
      return;
    }
    const slot = num & (this.sentAt.length - 1);
    if (num < this.oldest || this.sentAt[slot]! < 0) {
      this.duplicates.value++;
      return;
    }
    const now = this.ctx.now;
    this.leader = from;
    this.latency.add(now - this.sentAt[slot]!);
    this.latencyQ.add(now - this.sentAt[slot]!);
    // Unavailable since the later of the last answer and the oldest request still waiting.
    const waiting = Math.max(this.lastAnswerAt, this.sentAt[this.oldest & (this.sentAt.length - 1)]!);
    if (now - waiting >= this.params.gap) this.gaps.add(now, now - waiting);
    this.sentAt[slot] = -1;
    this.answered.value++;
    this.lastAnswerAt = now;
    while (this.oldest < this.next && this.sentAt[this.oldest & (this.sentAt.length - 1)]! < 0) this.oldest++;
  }

  /** Sends again every request unanswered for a timeout, to the next server. */
  private retry(): void {
    const now = this.ctx.now;
    const t = this.params.timeout;
    let moved = false;
    const mask = this.sentAt.length - 1;
    for (let id = this.oldest; id < this.next; id++) {
      if (this.sentAt[id & mask]! < 0 || now - this.lastAt[id & mask]! < t) continue;
      if (!moved) {
        this.leader = (this.leader + 1) % this.ports.length;
        moved = true;
      }
      this.retries.value++;
      this.lastAt[id & mask] = now;
      this.ports[this.leader]!.send(id);
    }
    const stop = this.params.stop;
    if (stop === undefined || now < stop || this.oldest < this.next) this.ctx.schedule(this.sweep, t / 2);
  }

  private grow(): void {
    const n = this.sentAt.length * 2;
    const first = new Float64Array(n);
    const last = new Float64Array(n);
    for (let id = this.oldest; id < this.next; id++) {
      first[id & (n - 1)] = this.sentAt[id & (this.sentAt.length - 1)]!;
      last[id & (n - 1)] = this.lastAt[id & (this.sentAt.length - 1)]!;
    }
    this.sentAt = first;
    this.lastAt = last;
  }

  override finish(): void {
    const now = this.ctx.now;
    // A silence at the end is a gap only while requests waited.
    if (this.oldest < this.next) {
      const waiting = Math.max(this.lastAnswerAt, this.sentAt[this.oldest & (this.sentAt.length - 1)]!);
      if (now - waiting >= this.params.gap) this.gaps.add(now, now - waiting);
    }
    this.lastAnswer.value = this.lastAnswerAt;
  }
}
