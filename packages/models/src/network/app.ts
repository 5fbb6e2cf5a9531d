import type { output, ZodType } from 'zod';
import type { Context, StatisticDoc } from '@splitsim/kernel';
import type { AppDecl } from '@splitsim/system';
import type { Packet } from './packet.ts';
import type { Conn, Tcp } from './tcp.ts';

/**
 * A host application: what it is (parameters, whom it talks to, what it listens on: the system
 * layer's AppDecl) and how it behaves on a host's protocol stack (create), in one definition.
 * Built-in and user applications are written against this same API: a model module exports
 * `defineApp({...})` and hosts list `{ type, ...params }` in their `apps`. Protocol-level and
 * detailed host models both run every application.
 */
export interface AppSpec<P extends Record<string, unknown> = any> extends AppDecl<P> {
  /** The statistics it adds to its host's (see ComponentSpec.statistics). */
  readonly statistics?: Readonly<Record<string, StatisticDoc>>;
  /** The transport it uses: a host sets up that layer (and its statistics) when some application needs it. */
  readonly protocol: 'udp' | 'tcp';
  /**
   * For a sender of equal datagrams at a constant rate: the bytes each takes on the wire and
   * the time between them, ps. A host whose only application this is may let it send each
   * datagram one serialization after its creation, with no queue and no extra event (AppHost.lead).
   */
  steady?(app: P): { wire: number; interval: number } | undefined;
  /** Makes the application on one host; `index` is its position in the host's apps. */
  create(host: AppHost, app: P, index: number): AppInstance;
}

/** What an application does; every hook is optional. */
export interface AppInstance {
  /** At the time in its `start` parameter; applications without one are never started. */
  start?(): void;
  /** A UDP datagram arrived on the port it listens on. */
  datagram?(p: Packet): void;
  /** A whole message (its last segment carries `word`) arrived in order on one of its TCP connections. */
  message?(c: Conn, word: number): void;
  /** Everything written on one of its TCP connections is acknowledged. */
  drained?(c: Conn): void;
  /** Application work it asked for with AppHost.work() is done. */
  served?(c: Conn): void;
  /** The run ends: settle statistics kept as plain numbers. */
  finish?(): void;
}

/** The host an application runs on, as the application sees it. */
export interface AppHost {
  /** The host's context: clock, timers, RNG, statistics, log. */
  readonly ctx: Context;
  /** This host's network address (dense, given by routing). */
  readonly address: number;
  /**
   * How long after its creation a steady sender may send each datagram (see AppSpec.steady):
   * one serialization where the host allows it, else 0.
   */
  readonly lead: number;
  /** Address of a host this application's talksTo() names. */
  addressOf(path: string): number;
  /** Sends a UDP datagram (counted in the host's `udpSent`). */
  sendDatagram(p: Packet): void;
  /**
   * Sends `len` bytes of UDP payload to host address `dst` from port `sport` to `dport`; `sent`
   * (default now) travels with it, so a receiver can measure latency or echo it back.
   */
  sendUdp(dst: number, sport: number, dport: number, len: number, sent?: number): void;
  /** The host's TCP (when some application uses TCP): open connections, write, write messages. */
  readonly tcp: Tcp;
  /** Runs `duration` ps of application work for `c` on the host's cores; then served(c) is called. */
  work(duration: number, c: Conn): void;
  /**
   * Statistics several applications of one host share (all RPC clients and servers add to one
   * `rpcLatency`): made by `make` the first time `key` is asked for.
   */
  shared<T>(key: string, make: () => T): T;
}

/** Keeps the types of an application definition: its schema, and the parameters the hooks see. */
export function defineApp<S extends ZodType<Record<string, unknown>>>(spec: AppSpec<output<S>> & { params: S }): AppSpec<output<S>> & { params: S } {
  return spec;
}
