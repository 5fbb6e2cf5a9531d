import { z } from 'zod';

/**
 * Host applications as the system layer sees them: data in a host's `apps` list, each with a
 * `type` and that type's parameters, no model choice in them. Which types exist is not fixed
 * here: model modules declare them (`defineApp`, with their stack behaviour beside), and the
 * system checks a host's apps against what the run's modules declare.
 */
export interface AppDecl<P extends Record<string, unknown> = any> {
  /** The `type` written in a host's apps, e.g. `tcp-bulk`. */
  readonly type: string;
  readonly description: string;
  /**
   * Its parameters besides `type`: a strict zod object schema (unknown keys are errors) whose
   * output is valid input again. Sizes are bytes, rates bits per second, times picoseconds.
   */
  readonly params: z.ZodType<P>;
  /**
   * The host it sends to, if it sends: routing gives its host that peer's address, the silent
   * link analysis follows its packets there (and back when `answered`), and the peer must run
   * something that listens on `protocol`/`port`.
   */
  talksTo?(app: P): AppPeer | undefined;
  /** What it receives on, if anything: what a peer's `talksTo` must find. */
  listens?(app: P): AppEndpoint | undefined;
}

export interface AppEndpoint {
  protocol: 'tcp' | 'udp';
  port: number;
}

export interface AppPeer extends AppEndpoint {
  /** Path of the host it talks to. */
  host: string;
  /** The parameter that names it, for messages (`dst`, `server`). */
  field: string;
  /** Whether the peer sends packets back (TCP acknowledgements, responses). */
  answered: boolean;
  /** An application type that would answer it, for the hint when the peer runs none. */
  listener?: string;
}

/** One application as a host's params hold it: its type and that type's parameters. */
export type AppData = { type: string } & Record<string, unknown>;

/** What a host kind's `apps` takes before the applications' own schemas check each entry. */
export const appList = z.array(z.looseObject({ type: z.string().min(1) })).default([]);
