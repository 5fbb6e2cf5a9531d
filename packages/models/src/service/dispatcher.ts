import { z } from 'zod';
import { Component, SplitSimError, type Port, type StatisticDoc } from '@splitsim/kernel';
import { answerProbes } from './probe-port.ts';
import { family } from './protocol.ts';

/** Parameters every load balancer takes. */
export const dispatcherParams = {
  /** How many targets (servers, or clients for a router): ports target0..target{n-1}. */
  targets: z.number().int().positive(),
  /** When the targets are server banks (server.bank): the queues in each; jobs then carry the queue index. */
  serversPerTarget: z.number().int().positive().optional(),
  /** Extra inputs in0..in{n-1}, for several sources (besides `in`). */
  inputs: z.number().int().nonnegative().default(0),
};

/** Ports every load balancer declares. */
export const DISPATCHER_PORTS = ['in', 'in*', 'out', 'probe', 'target*'] as const;

/** Statistics every load balancer records. */
export const DISPATCHER_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  dispatched: { type: 'counter', unit: 'jobs', description: 'Jobs sent to a target' },
  completed: { type: 'counter', unit: 'jobs', description: 'Responses from the targets, passed on to out when it is linked (none where targets do not answer)' },
};

type Base = { targets: number; inputs: number; serversPerTarget?: number | undefined };

/**
 * What load balancers share: jobs come in on `in`, leave on one of `target<i>`; what comes back
 * on a target port is a report (num < 0, for the policy) or a response, whose job is passed on
 * to `out` when that is linked. Subclasses choose among `servers` servers, numbered 0..servers-1:
 * one per target port, or `serversPerTarget` per port when the targets are server banks (then
 * every message to or from a server carries its index in the bank instead of a tag or a
 * correlation number).
 */
export abstract class Dispatcher<P extends Base> extends Component<P> {
  protected readonly n: number;
  /** Servers per target port (1 unless the targets are banks). */
  protected readonly perTarget: number;
  protected readonly banked: boolean;
  /** Servers to choose from. */
  protected readonly servers: number;
  protected readonly targetPorts: Port[];
  protected readonly out: Port;
  protected readonly dispatched = this.ctx.stats.counter('dispatched');
  protected readonly completed = this.ctx.stats.counter('completed');

  constructor(...args: ConstructorParameters<typeof Component<P>>) {
    super(...args);
    this.n = this.params.targets;
    this.banked = this.params.serversPerTarget !== undefined;
    this.perTarget = this.params.serversPerTarget ?? 1;
    this.servers = this.n * this.perTarget;
    this.out = this.ctx.port('out');
    const route = (num: number, ref: unknown) => this.route(num, ref);
    this.ctx.port('in', route);
    for (const name of family('in', this.params.inputs)) this.ctx.port(name, route);
    const m = this.perTarget;
    this.targetPorts = family('target', this.n).map((name, k) =>
      this.ctx.port(
        name,
        this.banked
          ? (num, ref) => (num < 0 ? this.onReport(k * m + (ref as number), num, ref) : this.onResponse(k * m + (ref as number), num, undefined))
          : (num, ref) => (num < 0 ? this.onReport(k, num, ref) : this.onResponse(k, num, ref)),
      ),
    );
    answerProbes(this.ctx, { dispatched: () => this.dispatched.value, ...this.metrics() });
  }

  /** For policies that need a correlation number or a server's own responses: no banks. */
  protected noBanks(): void {
    if (this.banked) {
      throw new SplitSimError('E_PARAMS', `${this.ctx.path}: model ${this.ctx.model} cannot address server banks (serversPerTarget); link it to single servers`, { component: this.ctx.path, field: 'serversPerTarget' });
    }
  }

  /** A job arrived: send it to a server. */
  protected abstract route(token: number, tag: unknown): void;

  /** Extra metrics for probes. */
  protected metrics(): Record<string, () => number> {
    return {};
  }

  /** Sends a job to server s. */
  protected send(s: number, token: number, tag: unknown): void {
    this.dispatched.value++;
    if (this.banked) {
      const k = (s / this.perTarget) | 0;
      this.targetPorts[k]!.send(token, s - k * this.perTarget);
    } else this.targetPorts[s]!.send(token, tag);
  }

  /** Sends a command to server s; `corr` comes back with the reply (single servers only). */
  protected command(s: number, op: number, corr: number): void {
    if (this.banked) {
      const k = (s / this.perTarget) | 0;
      this.targetPorts[k]!.send(op, s - k * this.perTarget);
    } else this.targetPorts[s]!.send(op, corr);
  }

  /**
   * command(), delivered `delay` whole picoseconds from now: one event where a timer and a
   * command would take two. Only over links inside this instance (the kernel refuses cut ones).
   */
  protected commandAfter(delay: number, s: number, op: number, corr: number): void {
    if (this.banked) {
      const k = (s / this.perTarget) | 0;
      this.targetPorts[k]!.sendAfter(delay, op, s - k * this.perTarget);
    } else this.targetPorts[s]!.sendAfter(delay, op, corr);
  }

  /** A report from server s (a reply to a command, or an update). */
  protected onReport(_s: number, _num: number, _ref: unknown): void {}

  /** A response from server s: passed on to `out`, without the server's status. */
  protected onResponse(_s: number, token: number, _status: unknown): void {
    this.completed.value++;
    if (this.out.connected) this.out.send(token);
  }
}
