import { basename } from 'node:path';
import { z } from 'zod';
import type { ProfileProblem } from './errors.ts';
import { forEachLine, notAFile } from './files.ts';

/**
 * Reads one instance's profile log, `profile/<instance>.jsonl`, format version 1 or 2
 * (docs/profile-format.md): one JSON object a line, cumulative counters, a last line with
 * `final: true` and the run's status; version 2 adds the cost of components and links. Every
 * problem is collected with its file and line, so a damaged log is reported whole rather than
 * one error per attempt.
 */
export const LOG_VERSION = 2;
/** Versions this reader understands. */
export const LOG_VERSIONS: readonly number[] = [1, 2];

export type RunStatus = 'completed' | 'interrupted' | 'failed';

export interface ChannelEndSample {
  channel: string;
  peer: string;
  waitNs: number;
  rxNs: number;
  txNs: number;
  syncNs: number;
  rxMsgs: number;
  txMsgs: number;
  syncMsgs: number;
  /** Bytes sent on the channel (version 2). */
  txBytes?: number;
}

/** What version 2 adds to a line: the cost of components and links, cumulative. */
export interface CostSample {
  /** Cores the machine offered the run, and where the instance ran. */
  cores: number;
  placement: 'thread' | 'process';
  /** Component ids of the instance; events per component (partition-invariant), and `extra` events that exist because links are cut. */
  components: { ids: number[]; events: number[]; extra: number[] };
  /** Per model: events timed one by one, and their wall time in ns. */
  models: Record<string, { sampled: number; sampledNs: number }>;
  /** Links touching the instance: messages delivered to its ports on each, bytes it sent on each cut one. */
  links: { ids: number[]; msgs: number[]; txBytes: number[] };
  /** CPU time and run-queue wait of the instance's thread (Linux), ns. */
  cpuNs?: number;
  runqueueNs?: number;
}

export interface Sample {
  /** 1-based line number in the log, for messages and for the window a summary reports. */
  line: number;
  wallNs: number;
  simPs: number;
  events: number;
  channels: ChannelEndSample[];
  final: boolean;
  /** Version 2 lines only. */
  cost?: CostSample;
}

export interface InstanceLog {
  instance: string;
  file: string;
  startNs: number;
  samples: Sample[];
  /** From the final line; null when the log has none (the instance was killed before writing it). */
  status: RunStatus | null;
  /** Things worth saying that do not stop the analysis, e.g. a torn last line. */
  notes: string[];
}

const counter = z.number().int().nonnegative();
// Epoch nanoseconds exceed 2^53, so they arrive as doubles rounded to a few hundred ns: fine for
// intervals of 50 ms and more, but they cannot be checked as safe integers.
const epochNs = z.number().nonnegative().finite();

const channelEndSchema = z.object({
  channel: z.string().min(1),
  peer: z.string().min(1),
  waitNs: counter,
  rxNs: counter,
  txNs: counter,
  syncNs: counter,
  rxMsgs: counter,
  txMsgs: counter,
  syncMsgs: counter,
  txBytes: counter.optional(),
});

const countList = z.array(z.number().nonnegative().finite());
const costFields = {
  cores: z.number().int().positive(),
  placement: z.enum(['thread', 'process']),
  components: z.object({ ids: z.array(z.number().int().nonnegative()), events: countList, extra: countList }),
  models: z.record(z.string(), z.object({ sampled: counter, sampledNs: z.number().nonnegative().finite() })),
  links: z.object({ ids: z.array(z.number().int().nonnegative()), msgs: countList, txBytes: countList }),
  cpuNs: z.number().nonnegative().finite().optional(),
  runqueueNs: z.number().nonnegative().finite().optional(),
};

// Unknown fields are ignored on purpose: version 1 may grow fields without breaking readers.
const lineSchema = z.object({
  v: z.union([z.literal(1), z.literal(2)]),
  instance: z.string().min(1),
  wallNs: epochNs,
  startNs: epochNs,
  simPs: counter,
  events: counter,
  channels: z.array(channelEndSchema),
  final: z.boolean(),
  status: z.enum(['completed', 'interrupted', 'failed']).optional(),
  // Version 2 only (checked to be there when v is 2).
  ...Object.fromEntries(Object.entries(costFields).map(([k, s]) => [k, s.optional()])),
});
const v2Schema = z.object(costFields);

type Line = z.infer<typeof lineSchema>;

const COUNTERS = ['waitNs', 'rxNs', 'txNs', 'syncNs', 'rxMsgs', 'txMsgs', 'syncMsgs'] as const;

/** The instance name a log file is for: its name without `.jsonl`. */
export function instanceOfFile(file: string): string {
  return basename(file).replace(/\.jsonl$/, '');
}

/**
 * Parses a log's text. `file` is only used in messages and to check the `instance` field.
 * Returns the log and the problems found; the log is usable only when there are none.
 */
export function parseLog(text: string, file: string): { log: InstanceLog; problems: ProfileProblem[] } {
  const parser = logParser(file);
  const lines = text.split('\n');
  // The piece after the last newline: empty for a file that ends in one.
  const last = lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    if (i === last && lines[i] === '') break;
    if (parser.line(lines[i]!, i + 1, i === last) === false) break;
  }
  return parser.end();
}

/** The line-by-line reader behind parseLog and readLog. */
function logParser(file: string) {
  const problems: ProfileProblem[] = [];
  const bad = (line: number, message: string, code: ProfileProblem['code'] = 'E_PROFILE_LOG') => problems.push({ code, file, line, message });
  const instance = instanceOfFile(file);
  const log: InstanceLog = { instance, file, startNs: 0, samples: [], status: null, notes: [] };
  let previous: (Line & { line: number; cost: CostSample | undefined }) | undefined;
  let finalAt = 0;

  /** One line; false when reading should stop. */
  const line = (text: string, lineNo: number, unterminated: boolean): boolean => {
    const raw = text.trim();
    if (raw === '') return true;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      // A last line without its newline that does not parse was cut while being written (the
      // process was killed): everything before it is still good, so say so and go on.
      if (unterminated) {
        log.notes.push(`${file}:${lineNo}: incomplete last line ignored (the instance stopped while writing it)`);
        return false;
      }
      bad(lineNo, `not JSON: ${(err as Error).message}`);
      return true;
    }
    if (json && typeof json === 'object' && 'v' in json && !LOG_VERSIONS.includes((json as { v: unknown }).v as number)) {
      bad(lineNo, `log format version ${JSON.stringify((json as { v: unknown }).v)}; this profiler reads versions ${LOG_VERSIONS.join(' and ')}`, 'E_PROFILE_VERSION');
      return true;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) bad(lineNo, `${issue.path.length ? issue.path.join('.') : '(line)'}: ${issue.message}`);
      return true;
    }
    let cost: CostSample | undefined;
    if (parsed.data.v === 2) {
      const v2 = v2Schema.safeParse(json);
      if (!v2.success) {
        for (const issue of v2.error.issues) bad(lineNo, `${issue.path.join('.')}: ${issue.message} (version 2 lines carry it)`);
        return true;
      }
      cost = v2.data;
      checkCost(cost, previous?.cost, lineNo, bad);
    }
    const cur = { ...parsed.data, line: lineNo, cost };
    checkLine(cur, previous, instance, bad);
    if (finalAt) bad(lineNo, `a line after the final line (line ${finalAt})`);
    if (cur.final) {
      finalAt = lineNo;
      if (!cur.status) bad(lineNo, 'status: the final line must say "completed", "interrupted" or "failed"');
      else log.status = cur.status;
    }
    if (previous === undefined) log.startNs = cur.startNs;
    const sample: Sample = { line: lineNo, wallNs: cur.wallNs, simPs: cur.simPs, events: cur.events, channels: cur.channels, final: cur.final };
    if (cost) sample.cost = cost;
    log.samples.push(sample);
    previous = cur;
    // A log broken on every line says so in its first hundred problems; reading a huge one to the end adds nothing.
    return problems.length < 100;
  };

  const end = (): { log: InstanceLog; problems: ProfileProblem[] } => {
    if (log.samples.length === 0 && problems.length === 0) problems.push({ code: 'E_PROFILE_LOG', file, message: 'empty log: no sample lines' });
    return { log, problems };
  };
  return { line, end };
}

/** The cost fields of one line: lists of one length, the same components and links as the line before. */
function checkCost(cur: CostSample, prev: CostSample | undefined, line: number, bad: (line: number, message: string) => void): void {
  const c = cur.components;
  if (c.events.length !== c.ids.length || c.extra.length !== c.ids.length) bad(line, `components: ids, events and extra must have one length (${c.ids.length}, ${c.events.length}, ${c.extra.length})`);
  const l = cur.links;
  if (l.msgs.length !== l.ids.length || l.txBytes.length !== l.ids.length) bad(line, `links: ids, msgs and txBytes must have one length (${l.ids.length}, ${l.msgs.length}, ${l.txBytes.length})`);
  if (!prev) return;
  if (prev.components.ids.join() !== c.ids.join()) bad(line, 'components.ids: not the components of the line before; every line lists the same');
  if (prev.links.ids.join() !== l.ids.join()) bad(line, 'links.ids: not the links of the line before; every line lists the same');
}

/** Checks that hold between consecutive lines: one instance, one start, time and counters never go back. */
function checkLine(cur: Line & { line: number }, prev: (Line & { line: number }) | undefined, instance: string, bad: (line: number, message: string) => void): void {
  if (cur.instance !== instance) bad(cur.line, `instance: "${cur.instance}" in the log of instance "${instance}"`);
  if (cur.wallNs < cur.startNs) bad(cur.line, `wallNs ${cur.wallNs} is before startNs ${cur.startNs}`);
  if (!cur.final && cur.status !== undefined) bad(cur.line, 'status: only the final line carries a status');
  const names = new Set<string>();
  for (const c of cur.channels) {
    if (names.has(c.channel)) bad(cur.line, `channels: channel "${c.channel}" listed twice`);
    names.add(c.channel);
    if (c.peer === instance) bad(cur.line, `channels: channel "${c.channel}" has this instance as its own peer`);
  }
  if (!prev) return;
  if (cur.startNs !== prev.startNs) bad(cur.line, `startNs changed from ${prev.startNs} (line ${prev.line}) to ${cur.startNs}`);
  if (cur.wallNs < prev.wallNs) bad(cur.line, `wallNs went back from ${prev.wallNs} (line ${prev.line}) to ${cur.wallNs}`);
  if (cur.simPs < prev.simPs) bad(cur.line, `simPs went back from ${prev.simPs} (line ${prev.line}) to ${cur.simPs}`);
  if (cur.events < prev.events) bad(cur.line, `events went back from ${prev.events} (line ${prev.line}) to ${cur.events}`);
  const before = new Map(prev.channels.map((c) => [c.channel, c]));
  for (const c of cur.channels) {
    const p = before.get(c.channel);
    if (!p) {
      bad(cur.line, `channels: channel "${c.channel}" is not on line ${prev.line}; every line lists the same channels`);
      continue;
    }
    before.delete(c.channel);
    if (c.peer !== p.peer) bad(cur.line, `channels: channel "${c.channel}" has peer "${c.peer}", on line ${prev.line} "${p.peer}"`);
    for (const k of COUNTERS) {
      if (c[k] < p[k]) bad(cur.line, `channels: ${c.channel}.${k} went back from ${p[k]} (line ${prev.line}) to ${c[k]}; counters are cumulative`);
    }
  }
  for (const name of before.keys()) bad(cur.line, `channels: channel "${name}" of line ${prev.line} is missing; every line lists the same channels`);
}

/** Reads and parses a log file, in chunks (a log may be larger than a string can be); see parseLog. */
export function readLog(file: string): { log: InstanceLog; problems: ProfileProblem[] } {
  const why = notAFile(file);
  if (why !== null) return { log: { instance: instanceOfFile(file), file, startNs: 0, samples: [], status: null, notes: [] }, problems: [{ code: 'E_PROFILE_LOG', file, message: why }] };
  const parser = logParser(file);
  try {
    forEachLine(file, parser.line);
  } catch (err) {
    return { log: parser.end().log, problems: [{ code: 'E_PROFILE_LOG', file, message: `cannot be read: ${(err as Error).message}` }] };
  }
  return parser.end();
}
