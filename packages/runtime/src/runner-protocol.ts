import { Packr } from 'msgpackr';
import { z } from 'zod';

/**
 * The coordinator ↔ runner control protocol (docs/distributed.md). One WebSocket per run, opened
 * by the coordinator on CONTROL_PATH with the token; every message is one binary WebSocket
 * message holding one msgpack map with a type `t`. Msgpack rather than JSON because reports carry
 * Infinity (an empty event queue) and statistics must arrive bit for bit. Everything the runner
 * receives is checked against these schemas before it acts on it; what does not fit is refused
 * with a logged reason.
 *
 *   coordinator → runner   start, command, kill, status
 *   runner → coordinator   accepted | refused, report, profile, exit, status, error
 *
 * Heartbeats are WebSocket pings (the coordinator's) and pongs (ws answers them by itself).
 *
 * A coordinator and a runner must speak the same RUNNER_PROTOCOL: a change to a message that the
 * other side's schema would refuse takes a new number, and a runner refuses a start of another
 * number (E_PROTOCOL, naming both). 2: the start carries progressMs.
 */
export const RUNNER_PROTOCOL = 2;
export const CONTROL_PATH = '/splitsim/v1/control';

/** The URL path of a channel's WebSocket: the run and the channel, so a stray peer cannot join another run. */
export function channelPath(run: string, channel: number): string {
  return `/splitsim/v1/run/${run}/channel/${channel}`;
}

/** Largest control message a runner accepts (a plan of a large system is a few MB). */
export const MAX_CONTROL_MESSAGE = 64 << 20;
/**
 * The coordinator pings this often; by default either side gives the other up after
 * HEARTBEAT_LOST_MS of silence, so that a lost runner ends the run within two seconds (detection,
 * then the abort). A loaded or distant cluster may need more (`--runner-timeout`).
 */
export const HEARTBEAT_MS = 200;
export const HEARTBEAT_LOST_MS = 1200;

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encode(m: object): Buffer {
  return packr.pack(m);
}

/** Decodes one control message; throws on bytes that are not one msgpack value. */
export function decode(bytes: Buffer): unknown {
  return packr.unpack(bytes);
}

const int = z.number().int().nonnegative();
const time = z.number();

export const commandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('connect'), peers: z.array(z.tuple([int, z.string().max(512)])).optional() }).strict(),
  z.object({ op: z.literal('go') }).strict(),
  z.object({ op: z.literal('stop'), time, order: z.number() }).strict(),
  z.object({ op: z.literal('grant'), time }).strict(),
  z.object({ op: z.literal('end'), reason: z.enum(['until', 'maxEvents', 'empty', 'stopped']), now: time }).strict(),
  z.object({ op: z.literal('abort'), why: z.enum(['interrupted', 'failed']) }).strict(),
]);

/** A run id: it names channel paths and a temporary folder, so plain characters only. */
export const RUN_ID = /^[A-Za-z0-9-]{8,64}$/;

/** A model module as a runner finds it: the specifier, and for a file of the project its path relative to the project. */
export const remoteModuleSchema = z.object({ specifier: z.string().min(1).max(1024), path: z.string().min(1).max(1024).optional() }).strict();

export const startSchema = z
  .object({
    t: z.literal('start'),
    /** RUNNER_PROTOCOL; a start of another is refused before this schema (otherProtocol). */
    protocol: z.literal(RUNNER_PROTOCOL),
    run: z.string().regex(RUN_ID),
    /** This runner's name in the run. */
    runner: z.string().min(1).max(128),
    /** The plan (checked with parsePlan). */
    plan: z.unknown(),
    /** The runner of each instance, by instance id. */
    where: z.array(z.string().min(1).max(128)),
    modules: z.array(remoteModuleSchema),
    until: z.number().nonnegative().nullable(),
    profileNs: z.number().nonnegative(),
    /** Wall time (ms) between an instance's progress reports: the coordinator's, as for its own instances. */
    progressMs: z.number().nonnegative(),
    /** Silence (ms) after which either side gives the other up. */
    lostAfterMs: z.number().int().min(HEARTBEAT_MS * 2).max(600_000),
  })
  .strict();

/**
 * The protocol a start message names when it is not this runner's, else null. Read before the
 * schema: a start of another version may carry fields this one does not know (or lack some), and
 * deserves the version refusal rather than a list of schema complaints.
 */
export function otherProtocol(m: unknown): number | null {
  if (typeof m !== 'object' || m === null || (m as { t?: unknown }).t !== 'start') return null;
  const protocol = (m as { protocol?: unknown }).protocol;
  return typeof protocol === 'number' && protocol !== RUNNER_PROTOCOL ? protocol : null;
}

export const toRunnerSchema = z.discriminatedUnion('t', [
  startSchema,
  z.object({ t: z.literal('command'), instance: int, command: commandSchema }).strict(),
  z.object({ t: z.literal('kill'), instance: int }).strict(),
  z.object({ t: z.literal('status') }).strict(),
]);

export type StartMessage = z.infer<typeof startSchema>;
export type ToRunner = z.infer<typeof toRunnerSchema>;
export type RemoteModule = z.infer<typeof remoteModuleSchema>;

export const fromRunnerSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('accepted'), runner: z.string(), pid: z.number(), instances: z.array(int), version: z.string() }).strict(),
  z.object({ t: z.literal('refused'), code: z.string(), reason: z.string() }).strict(),
  z.object({ t: z.literal('report'), instance: int, report: z.object({ type: z.string() }).passthrough() }).strict(),
  z.object({ t: z.literal('profile'), instance: int, data: z.string() }).strict(),
  z.object({ t: z.literal('exit'), instance: int, how: z.string() }).strict(),
  z.object({ t: z.literal('status'), runs: int, instances: int, rssBytes: z.number(), heapBytes: z.number(), refused: int }).strict(),
  z.object({ t: z.literal('error'), reason: z.string() }).strict(),
]);

export type FromRunner = z.infer<typeof fromRunnerSchema>;
