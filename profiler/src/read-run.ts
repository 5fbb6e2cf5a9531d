import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ProfileError, type ProfileProblem } from './errors.ts';
import { notAFile } from './files.ts';
import { readLog, type InstanceLog } from './read-log.ts';

/**
 * Reads what the profiler needs from a run directory: every `profile/*.jsonl`, and, when present,
 * plan.json and run.json as plain JSON (the profiler imports nothing from the packages that wrote
 * them, only the fields it names below). The logs are checked against each other and against the
 * plan: every instance has a log, and both ends of every channel name each other as peers.
 */
export interface PlanInstanceInfo {
  name: string;
  /** How many components the instance simulates: what "split" and "merge" advice moves around. */
  components: number;
}

export interface RunInfo {
  dir: string;
  logs: InstanceLog[];
  /** From plan.json, when the run directory has one. */
  plan: { config: string; instantiation: string; instances: PlanInstanceInfo[]; channels: { name: string; a: string; b: string }[] } | null;
  /** From run.json, when present: `completed`, `interrupted` or `failed`. */
  runStatus: string | null;
}

// Only the fields read here; anything else in plan.json is its own business.
const planSchema = z.object({
  config: z.string(),
  instantiation: z.string(),
  instances: z.array(z.object({ id: z.number().int(), name: z.string().min(1), components: z.array(z.unknown()) })),
  channels: z.array(z.object({ name: z.string().min(1), a: z.number().int(), b: z.number().int() })),
});

export function profileDirectory(dir: string): string {
  return join(dir, 'profile');
}

export function readRun(dir: string): RunInfo {
  const problems: ProfileProblem[] = [];
  const runDir = notADirectory(dir);
  if (runDir !== null) throw new ProfileError([{ code: 'E_PROFILE_MISSING', file: dir, message: runDir.startsWith('no profile logs') ? 'no such run directory' : runDir.replace('profile/ should hold the logs <instance>.jsonl', 'give the run directory') }]);
  const profileDir = profileDirectory(dir);
  const notDir = notADirectory(profileDir);
  if (notDir !== null) throw new ProfileError([{ code: 'E_PROFILE_MISSING', file: profileDir, message: notDir }]);
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.jsonl')).sort();
  if (files.length === 0) {
    throw new ProfileError([{ code: 'E_PROFILE_MISSING', file: profileDir, message: 'no profile logs (*.jsonl): was the run started with `splitsim run ... --profile`?' }]);
  }
  const logs: InstanceLog[] = [];
  for (const f of files) {
    const { log, problems: found } = readLog(join(profileDir, f));
    problems.push(...found);
    logs.push(log);
  }
  const plan = readPlan(dir, problems);
  if (problems.length === 0) checkEnds(logs, plan, profileDir, problems);
  if (problems.length > 0) throw new ProfileError(problems);
  return { dir, logs, plan, runStatus: readRunStatus(dir) };
}

/** Why `path` is not a directory of profile logs to list, or null. */
function notADirectory(path: string): string | null {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return lstatOk(path) ? 'a link to nothing (dangling symbolic link)' : 'no profile logs (no profile/ directory): was the run started with `splitsim run ... --profile`?';
    return `cannot be read (${code ?? (err as Error).message})`;
  }
  return st.isDirectory() ? null : 'not a directory: profile/ should hold the logs <instance>.jsonl';
}

function lstatOk(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function readPlan(dir: string, problems: ProfileProblem[]): RunInfo['plan'] {
  const file = join(dir, 'plan.json');
  if (!existsSync(file)) return null;
  const why = notAFile(file);
  if (why !== null) {
    problems.push({ code: 'E_PROFILE_MISMATCH', file, message: why });
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push({ code: 'E_PROFILE_MISMATCH', file, message: `not JSON: ${(err as Error).message}` });
    return null;
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push({ code: 'E_PROFILE_MISMATCH', file, message: `${i.path.join('.')}: ${i.message}` });
    return null;
  }
  const p = parsed.data;
  const nameOf = new Map(p.instances.map((i) => [i.id, i.name]));
  const channels = [];
  for (const c of p.channels) {
    const a = nameOf.get(c.a);
    const b = nameOf.get(c.b);
    if (a === undefined || b === undefined) {
      problems.push({ code: 'E_PROFILE_MISMATCH', file, message: `channel "${c.name}" joins instance ids ${c.a} and ${c.b}, not both in instances` });
      continue;
    }
    channels.push({ name: c.name, a, b });
  }
  return {
    config: p.config,
    instantiation: p.instantiation,
    instances: p.instances.map((i) => ({ name: i.name, components: i.components.length })),
    channels,
  };
}

function readRunStatus(dir: string): string | null {
  const file = join(dir, 'run.json');
  if (!existsSync(file) || notAFile(file) !== null) return null;
  try {
    const status = (JSON.parse(readFileSync(file, 'utf8')) as { status?: unknown }).status;
    return typeof status === 'string' ? status : null;
  } catch {
    // run.json only adds the run's status to the summary; a damaged one must not hide the profile.
    return null;
  }
}

/**
 * Every channel end must be matched by the opposite end in the peer's log, and, with a plan, by a
 * channel of the plan joining the same two instances. Otherwise the logs come from different runs.
 */
function checkEnds(logs: InstanceLog[], plan: RunInfo['plan'], profileDir: string, problems: ProfileProblem[]): void {
  const byName = new Map(logs.map((l) => [l.instance, l]));
  const endsOf = (l: InstanceLog) => new Map(l.samples[0]!.channels.map((c) => [c.channel, c.peer]));
  const firstLine = (l: InstanceLog) => l.samples[0]!.line;
  for (const log of logs) {
    for (const [channel, peer] of endsOf(log)) {
      const other = byName.get(peer);
      if (!other) {
        problems.push({ code: 'E_PROFILE_MISSING', file: log.file, line: firstLine(log), message: `channel "${channel}" goes to instance "${peer}", which has no log ${join(profileDir, `${peer}.jsonl`)}` });
        continue;
      }
      const back = endsOf(other).get(channel);
      if (back !== log.instance) {
        problems.push({
          code: 'E_PROFILE_MISMATCH',
          file: log.file,
          line: firstLine(log),
          message: `channel "${channel}" goes to "${peer}", but ${other.file} ${back === undefined ? 'has no such channel' : `says its peer is "${back}"`}`,
        });
      }
    }
  }
  if (!plan) return;
  const planFile = join(profileDir, '..', 'plan.json');
  for (const inst of plan.instances) {
    if (!byName.has(inst.name)) problems.push({ code: 'E_PROFILE_MISSING', file: join(profileDir, `${inst.name}.jsonl`), message: `instance "${inst.name}" of plan.json has no profile log` });
  }
  const planned = new Set(plan.instances.map((i) => i.name));
  for (const log of logs) {
    if (!planned.has(log.instance)) problems.push({ code: 'E_PROFILE_MISMATCH', file: log.file, message: `instance "${log.instance}" is not in ${planFile}: a log from another run?` });
  }
  for (const c of plan.channels) {
    const a = byName.get(c.a);
    if (a && endsOf(a).get(c.name) !== c.b) {
      problems.push({ code: 'E_PROFILE_MISMATCH', file: a.file, line: firstLine(a), message: `plan.json has channel "${c.name}" between "${c.a}" and "${c.b}"; this log does not list it with peer "${c.b}"` });
    }
    const b = byName.get(c.b);
    if (b && endsOf(b).get(c.name) !== c.a) {
      problems.push({ code: 'E_PROFILE_MISMATCH', file: b.file, line: firstLine(b), message: `plan.json has channel "${c.name}" between "${c.a}" and "${c.b}"; this log does not list it with peer "${c.a}"` });
    }
  }
  const plannedChannels = new Set(plan.channels.map((c) => c.name));
  for (const log of logs) {
    for (const channel of endsOf(log).keys()) {
      if (!plannedChannels.has(channel)) problems.push({ code: 'E_PROFILE_MISMATCH', file: log.file, line: firstLine(log), message: `channel "${channel}" is not in plan.json` });
    }
  }
}
