import { z } from 'zod';
import { Component, defineSpec, formatTime, units, type Port } from '@splitsim/kernel';

/** Link levels a node can have: level j joins node i to node i + 2^j (mod N), so 12 levels reach N = 4096. */
export const PHOLD_LEVELS = 12;
const PORTS = [...Array.from({ length: PHOLD_LEVELS }, (_, j) => `out${j}`), ...Array.from({ length: PHOLD_LEVELS }, (_, j) => `in${j}`)];

const params = z
  .object({
    /** Events each node starts with (the population; PHOLD keeps it constant). */
    population: z.number().int().nonnegative().default(1),
    /** Probability that an event's successor goes to a linked node rather than to itself. */
    remote: z.number().min(0).max(1).default(0.5),
    /** Fixed part of every delay: the latency of the links, and the lower bound on a local event's delay. */
    lookahead: units.time().default(1_000_000),
    /** Mean of the exponential part of every delay. */
    meanDelay: units.time().default(1_000_000),
    /** Fault injection for testing runs: throw from the first event at or after this time. */
    failAt: units.time().optional(),
  })
  .strict();

/**
 * A PHOLD node, the standard parallel-simulation benchmark. Each event schedules exactly one
 * successor after lookahead + an exponential delay: with probability `remote` on a random linked
 * node (the message crosses a link whose latency is the lookahead; the receiver adds the
 * exponential part), otherwise on itself. The population of events therefore stays constant and
 * the work per event is tiny, so the benchmark measures the simulator, not the model.
 */
export class PholdNode extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'phold.node',
    kinds: ['phold'],
    description: 'PHOLD benchmark node: each event schedules one successor, remote with a probability',
    ports: PORTS,
    params,
    statistics: {
      fired: { type: 'counter', unit: 'events', description: 'PHOLD events handled' },
      sent: { type: 'counter', unit: 'messages', description: 'Events sent to a linked node' },
      received: { type: 'counter', unit: 'messages', description: 'Events received from a linked node' },
    },
  });

  private readonly rng = this.ctx.rng;
  private readonly fire = this.ctx.timer(() => this.event());
  private readonly fired = this.ctx.stats.counter('fired');
  private readonly sent = this.ctx.stats.counter('sent');
  private readonly received = this.ctx.stats.counter('received');
  private readonly mean = this.params.meanDelay;
  private readonly local = this.params.lookahead;
  private readonly remote = this.params.remote;
  private readonly failAt = this.params.failAt ?? Infinity;
  /** Connected ports, in declaration order (so the choice is the same under every partition). */
  private peers: Port[] = [];

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    for (const name of PORTS) this.ctx.port(name, () => this.arrive());
  }

  override init(): void {
    this.peers = PORTS.map((p) => this.ctx.ports.get(p)!).filter((p) => p.connected);
    for (let k = 0; k < this.params.population; k++) this.ctx.schedule(this.fire, this.rng.exponential(this.mean));
  }

  private arrive(): void {
    this.received.value++;
    this.ctx.schedule(this.fire, this.rng.exponential(this.mean));
  }

  private event(): void {
    this.fired.value++;
    if (this.ctx.now >= this.failAt) throw new Error(`injected failure (failAt ${formatTime(this.failAt)})`);
    const peers = this.peers;
    if (peers.length > 0 && this.rng.next() < this.remote) {
      peers[this.rng.int(peers.length)]!.send(0);
      this.sent.value++;
    } else {
      this.ctx.schedule(this.fire, this.local + this.rng.exponential(this.mean));
    }
  }
}
