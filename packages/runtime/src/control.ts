import { availableParallelism } from 'node:os';
import { BELL_WORDS, createRing, Doorbell } from '@splitsim/channels';
import { SimulationError, SplitSimError, type ComponentMetrics, type StopReason } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';

/**
 * The orchestrator ↔ instance protocol. Commands go down through a control block in shared
 * memory (a worker thread spinning or parked on Atomics.wait never reads postMessage); a child
 * process gets them over IPC and writes them into its own local block, so the instance loop reads
 * one thing either way. Reports go up by message (postMessage, process.send), never blocking.
 */
export type Command =
  /** Remote instances: `peers` gives the URL of each WebSocket channel this instance connects to. */
  | { op: 'connect'; peers?: Array<[number, string]> }
  | { op: 'go' }
  | { op: 'stop'; time: number; order: number }
  /** Every event executed anywhere from now on is at or after `time`: raise inbound promises to it + lookahead. */
  | { op: 'grant'; time: number }
  | { op: 'end'; reason: StopReason; now: number }
  | { op: 'abort'; why: 'interrupted' | 'failed' };

/** [channel id, messages sent, messages received] for each channel end of an instance. */
export type Counts = Array<[number, number, number]>;

export interface Failure {
  instance: string;
  message: string;
  code?: string;
  component?: string;
  /** Simulated time, ps. */
  time?: number;
  event?: number;
}

/** What an instance reports when its build or run throws: the component, time and event when a component failed. */
export function failureOf(instance: string, err: unknown): Failure {
  const f: Failure = { instance, message: err instanceof Error ? err.message : String(err) };
  if (err instanceof SplitSimError) f.code = err.code;
  if (err instanceof SimulationError) {
    f.component = err.component;
    f.time = err.time;
    f.event = err.event;
  }
  return f;
}

export type Report =
  /** Remote instances: `listening` gives the port of each WebSocket channel this instance listens on. */
  | { type: 'ready'; listening?: Array<[number, number]> }
  | { type: 'connected' }
  | { type: 'progress'; now: number; events: number }
  /** Blocked for a while: waiting for promises with its next event at `next` (Infinity: empty queue). */
  | { type: 'blocked'; now: number; next: number; counts: Counts }
  /** Will execute nothing more below the end time (or the stop point). */
  | { type: 'done'; now: number; queue: number; counts: Counts; maxEvents?: boolean }
  /** A component called ctx.stop(): the engine stopped after the event (time, order). */
  | { type: 'stopped'; time: number; order: number; message: string; counts: Counts }
  /** Had already executed events past the announced stop point. */
  | { type: 'overrun'; now: number }
  | { type: 'failed'; failure: Failure }
  /** A child process's last message, sent just before it exits. */
  | { type: 'bye' }
  | { type: 'finished'; status: 'completed' | 'interrupted'; metrics: ComponentMetrics[]; log: string[]; now: number; events: number; runNs: number };

export type ChannelSpec =
  | { channel: number; transport: 'ring'; out: SharedArrayBuffer; in: SharedArrayBuffer; peerControl: SharedArrayBuffer }
  | { channel: number; transport: 'socket'; path: string; listen: boolean }
  /**
   * Between instances on different runners. The listening end binds `host` (its runner's address)
   * on one of `ports` ([0]: any) and reports the port; the other learns the URL with the connect
   * command. Both present `token`; `path` names the run and the channel.
   */
  | { channel: number; transport: 'ws'; listen: boolean; host: string; ports: number[]; path: string; token: string };

/** Wall time (ms) between an instance's progress reports when the run names none. */
export const PROGRESS_MS = 1000;

/** Everything an instance needs to build itself: plans are data, models come from the modules the plan names. */
export interface InstanceSpec {
  plan: Plan;
  instance: number;
  /** End time, ps, or null for none. */
  until: number | null;
  /** Event limit, only for an instance that is the whole run (the in-process one); null for none. */
  maxEvents?: number | null;
  /** Run directory (for profile logs), or null. */
  runDir: string | null;
  /** Profile interval in ns of wall time, or 0 for no profile. */
  profileNs: number;
  /** Wall time (ns) a blocked instance spins on its input before it parks. */
  spinNs: number;
  /** Wall time (ms) between progress reports; default PROGRESS_MS. */
  progressMs?: number;
  /** Threads: the shared control block; processes make their own. */
  control: SharedArrayBuffer | null;
  channels: ChannelSpec[];
}

// Int32 words of a control block; then f64 slots; the instance's doorbell on the next cache line.
const SEQ = 0;
const CONNECT = 1;
const GO = 2;
const ABORT = 3;
const STOP = 4;
const END = 5;
const GRANT = 6;
const F_STOP_TIME = 4;
const F_STOP_ORDER = 5;
const F_END_NOW = 6;
const F_GRANT = 7;
const BELL_BASE = 16;
export const CONTROL_BYTES = (BELL_BASE + BELL_WORDS) * 4;

const REASONS: StopReason[] = ['until', 'maxEvents', 'empty', 'stopped'];

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES);
}

/** The two ends of a channel between worker threads: a ring each way, and each end rings the other's control block. */
export function ringPair(channel: number, controlA: SharedArrayBuffer, controlB: SharedArrayBuffer): [a: ChannelSpec, b: ChannelSpec] {
  const ab = createRing();
  const ba = createRing();
  return [
    { channel, transport: 'ring', out: ab, in: ba, peerControl: controlB },
    { channel, transport: 'ring', out: ba, in: ab, peerControl: controlA },
  ];
}

/**
 * Wall time (ns) a blocked instance spins before it parks, for `instances` on `cores`: 50 µs with
 * fewer instances than cores, 10 µs with as many, none with more (a spinning instance would take
 * the core that the instance it waits for needs).
 */
export function spinNsFor(instances: number, cores = availableParallelism()): number {
  return instances < cores ? 50_000 : instances === cores ? 10_000 : 0;
}

export interface ControlState {
  connect: boolean;
  go: boolean;
  abort: 'interrupted' | 'failed' | null;
  stop: { time: number; order: number } | null;
  end: { reason: StopReason; now: number } | null;
  /** The latest global lower bound on event times, or -Infinity. */
  grant: number;
}

export class ControlBlock {
  readonly bell: Doorbell;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private seen = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer, 0, CONTROL_BYTES >> 2);
    this.f64 = new Float64Array(buffer, 0, BELL_BASE >> 1);
    this.bell = new Doorbell(this.i32, BELL_BASE);
  }

  /** Orchestrator side (or a process's IPC handler): records a command and wakes the instance. */
  apply(c: Command): void {
    const i32 = this.i32;
    switch (c.op) {
      case 'connect':
        i32[CONNECT] = 1;
        break;
      case 'go':
        i32[GO] = 1;
        break;
      case 'stop':
        this.f64[F_STOP_TIME] = c.time;
        this.f64[F_STOP_ORDER] = c.order;
        i32[STOP] = 1;
        break;
      case 'end':
        this.f64[F_END_NOW] = c.now;
        i32[END] = 1 + REASONS.indexOf(c.reason);
        break;
      case 'abort':
        i32[ABORT] = c.why === 'interrupted' ? 1 : 2;
        break;
      case 'grant':
        if (c.time > this.f64[F_GRANT]!) this.f64[F_GRANT] = c.time;
        i32[GRANT] = 1;
        break;
    }
    Atomics.add(i32, SEQ, 1);
    this.bell.wake();
  }

  /** Instance side: true if a command arrived since the last read(). One atomic load. */
  changed(): boolean {
    return Atomics.load(this.i32, SEQ) !== this.seen;
  }

  /** Instance side: true if the run is being aborted; does not consume the command. */
  aborting(): boolean {
    return Atomics.load(this.i32, ABORT) !== 0;
  }

  /** Instance side: true once the run is ending (end or abort); does not consume the command. */
  ending(): boolean {
    return Atomics.load(this.i32, END) !== 0 || Atomics.load(this.i32, ABORT) !== 0;
  }

  read(): ControlState {
    this.seen = Atomics.load(this.i32, SEQ);
    const i32 = this.i32;
    const abort = i32[ABORT]!;
    const end = i32[END]!;
    return {
      connect: i32[CONNECT] === 1,
      go: i32[GO] === 1,
      abort: abort === 0 ? null : abort === 1 ? 'interrupted' : 'failed',
      stop: i32[STOP] === 1 ? { time: this.f64[F_STOP_TIME]!, order: this.f64[F_STOP_ORDER]! } : null,
      end: end === 0 ? null : { reason: REASONS[end - 1]!, now: this.f64[F_END_NOW]! },
      grant: i32[GRANT] === 1 ? this.f64[F_GRANT]! : -Infinity,
    };
  }
}
