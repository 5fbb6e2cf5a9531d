import type { Command } from 'commander';
import { MS, parseTime, SplitSimError } from '@splitsim/kernel';
import { describeParams, type Figure, type Instantiation, type Plan } from '@splitsim/instantiation';
import {
  defaultRunDirectory, fsProblem, parseRunners, placeOnRunners, planConfig, progressMode, ProgressSink, recordSettings, RunDirectory, runPlan, RunProgress, showNumber, showRate, showTime, showWall, Stopper, summarize, withRecord, writeRunReport,
  type Failure, type RunnerAddress, type RunOutcome, type RunRecord,
} from '@splitsim/runtime';
import { loadConfig, parseOverrides, type LoadedConfig } from '../load-config.ts';
import { applyPartitionFile } from '../apply-partition.ts';
import { options } from '../options.ts';
import { RunSignals, SIGNAL_EXIT, type RunSignal } from '../signals.ts';

export interface RunFlags {
  inst?: string;
  until?: string;
  maxEvents?: number;
  seed?: number;
  set?: string[];
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  placement?: 'thread' | 'process';
  profile?: string | boolean;
  record?: string | true;
  params?: boolean;
  replications?: number;
  workers?: number;
  partitionFile?: string;
  runners?: string;
  tokenFile?: string;
  runnerTimeout?: string;
}

/** Exit codes of `splitsim run` (documented in docs/architecture.md); an interrupted run exits with its signal's code. */
export const EXIT = { completed: 0, input: 2, failed: 3, interrupted: SIGNAL_EXIT.SIGINT } as const;

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a config\'s instantiation and write a run directory (plan.json, metrics.json, run.json, run.log, profile/)')
    .argument('<config>', 'config file, e.g. configs/mmc.ts');
  for (const o of options('inst', 'until', 'maxEvents', 'seed', 'set', 'out', 'force', 'placement', 'partitionFile', 'profile', 'record', 'runners', 'tokenFile', 'runnerTimeout', 'replications', 'workers', 'params', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      'A plan with one instance runs in this process; more instances (or --placement, or --profile) run in',
      'parallel, one worker thread or child process per instance, joined by synchronized channels.',
      'Exit codes: 0 completed, 2 bad input (nothing ran), 3 the run failed (an instance failed or died, the',
      'disk filled), 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM, 129 by SIGHUP; the run directory\'s',
      'run.json says the same (status running while it runs, then completed, failed or interrupted).',
      '',
      'Examples:',
      '  splitsim run configs/mmc.ts',
      '  splitsim run configs/mmc.ts --set lambda=95 --set jobs=1000000 --seed 7 --out runs/mmc95',
      '  splitsim run configs/phold.ts --inst linear4 --placement process --until 2ms --out runs/phold4',
      '  splitsim run configs/phold.ts --inst unbalanced4 --profile 200ms --out runs/unbalanced',
      '  splitsim run configs/datacenter.ts --inst ab --runners a=10.0.0.2:7070,b=10.0.0.3:7070 --token-file token',
    ].join('\n'),
  );
  cmd.action(async (file: string, flags: RunFlags) => runCommand(file, flags));
}

/** `--profile` alone means every second; a value is a wall-clock interval of at least 50 ms. Returns ns, or 0. */
function profileInterval(flag: string | boolean | undefined): number {
  if (flag === undefined || flag === false) return 0;
  const ps = flag === true ? 1000 * MS : parseTime(flag, '--profile');
  if (ps < 50 * MS) throw new SplitSimError('E_CONFIG', `--profile ${flag}: the interval must be at least 50ms`, { field: '--profile' });
  return ps / 1000;
}

interface Prepared {
  loaded: LoadedConfig;
  config: LoadedConfig['config'];
  params: LoadedConfig['params'];
  catalog: LoadedConfig['catalog'];
  instName: string;
  seed: number;
  until: number | undefined;
  profileNs: number;
  plan: Plan;
  parallel: boolean;
  /** --runners: where the instances run, the token, how long a silent runner has. */
  runners: { list: RunnerAddress[]; token: string; lostAfterMs?: number } | undefined;
}

/** Everything a run needs from the input; every problem here is bad input (exit 2) and nothing has run. */
async function prepare(file: string, flags: RunFlags): Promise<Prepared> {
  const loaded = await loadConfig(file, parseOverrides(flags.set));
  const { config, params, catalog } = loaded;
  const seed = flags.seed ?? config.run?.seed ?? 1;
  const untilText = flags.until ?? config.run?.until;
  const until = untilText === undefined ? undefined : parseTime(untilText, '--until');
  const profileNs = profileInterval(flags.profile);
  const adjust = flags.partitionFile ? (inst: Instantiation) => applyPartitionFile(inst, flags.partitionFile!, config.name) : undefined;
  const planned = planConfig(loaded, file, flags.inst, seed, adjust);
  const instName = planned.instantiation;
  let plan: Plan = planned.plan;
  // An external instance stays external: only its program implements its models.
  if (flags.placement) plan = { ...plan, instances: plan.instances.map((i) => (i.placement.kind === 'external' ? i : { ...i, placement: { kind: flags.placement! } })) };
  let runners: { list: RunnerAddress[]; token: string; lostAfterMs?: number } | undefined;
  if (flags.runners !== undefined) {
    if (flags.placement) throw new SplitSimError('E_CONFIG', '--placement and --runners: instances on runners run as worker threads there; give one or the other', { field: '--placement' });
    runners = { list: parseRunners(flags.runners), token: (await import('./runner.ts')).readToken(flags.tokenFile, '--runners') };
    plan = placeOnRunners(plan, runners.list);
    if (flags.runnerTimeout !== undefined) {
      const ms = parseTime(flags.runnerTimeout, '--runner-timeout') / MS;
      if (!(ms >= 400 && ms <= 600_000)) throw new SplitSimError('E_CONFIG', `--runner-timeout ${flags.runnerTimeout}: give 400ms to 10min`, { field: '--runner-timeout' });
      runners.lostAfterMs = Math.round(ms);
    }
  } else {
    const placed = plan.instances.find((i) => i.placement.kind === 'remote');
    if (placed) throw new SplitSimError('E_CONFIG', `instance ${placed.name} is placed on runner ${placed.placement.runner}; give the runners: --runners ${placed.placement.runner}=host:port --token-file <path>`, { field: '--runners' });
  }
  // --record: the plan's record section (record.ts), which the network models read; plans stay data.
  if (flags.record !== undefined) plan = withRecord(plan, recordSettings(flags.record, until));
  const parallel = runners !== undefined || plan.instances.length > 1 || flags.placement !== undefined || profileNs > 0 || plan.instances.some((i) => i.placement.kind === 'external');
  if (parallel && flags.maxEvents !== undefined) {
    throw new SplitSimError('E_CONFIG', '--max-events needs a run in one instance: which events come first across instances is only known in one engine; use --until', { field: '--max-events' });
  }
  return { loaded, config, params, catalog, instName, seed, until, profileNs, plan, parallel, runners };
}

export async function runCommand(file: string, flags: RunFlags): Promise<void> {
  // --replications: independent seeds on a worker pool (commands/sweep.ts), not one run.
  if (flags.replications !== undefined && flags.replications > 1) {
    // Each replication runs in one engine on a pool worker: nothing records or profiles it.
    for (const [given, name] of [[flags.record, '--record'], [flags.profile, '--profile']] as const) {
      if (given !== undefined) throw new SplitSimError('E_CONFIG', `${name} applies to one run, not to --replications; run one seed with ${name} instead`, { field: name });
    }
    return (await import('./sweep.ts')).replicationsCommand(file, flags);
  }
  if (flags.params) return printParams(await loadConfig(file, parseOverrides(flags.set)), flags.json === true);
  // --out first: a directory the run could not write to is refused before anything is loaded or run.
  let dir = flags.out !== undefined ? RunDirectory.claim(flags.out, flags.force === true) : null;
  // A live line on a terminal, JSON lines otherwise (progress.ts), both on stderr; other notices clear the live line first.
  const sink = new ProgressSink({ mode: progressMode(flags) });
  const say = flags.quiet || flags.json ? () => {} : (s: string) => (sink.interrupt(), process.stderr.write(s));
  const stopper = new Stopper();
  const signals = new RunSignals(stopper, say, (sig) => {
    // Nothing has run and nothing is written: give the directory back and go.
    dir?.abandon();
    process.exit(SIGNAL_EXIT[sig]);
  });
  let p: Prepared;
  try {
    p = await prepare(file, flags);
    dir ??= RunDirectory.claim(defaultRunDirectory(p.config.name), flags.force === true);
  } catch (err) {
    dir?.abandon();
    signals.uninstall();
    throw err;
  }
  const { config, params, catalog, instName, seed, until, profileNs, plan, parallel, runners } = p;
  const placements = [...new Set(plan.instances.map((i) => (parallel ? i.placement.kind : 'inline')))].join('+');
  say(`running ${config.name}/${instName}: ${plan.components.length} components, ${plan.instances.length} instance(s)${parallel ? ` (${placements})` : ''}, seed ${seed}\n`);
  const live = new RunProgress(sink, until);

  let written = false;
  try {
    dir.onFailure = (f) => stopper.fail(f);
    const facts: Record<string, unknown> = { placement: placements, ...(until !== undefined ? { until } : {}), ...(profileNs > 0 ? { profileIntervalNs: profileNs } : {}) };
    signals.running();
    const outcome = dir.start(plan, facts)
      ? await runPlan(plan, {
          placement: parallel ? flags.placement : 'inline',
          ...(until !== undefined ? { until } : {}),
          ...(flags.maxEvents !== undefined ? { maxEvents: flags.maxEvents } : {}),
          runDir: dir.dir,
          profileNs,
          catalog,
          stopper,
          log: (line) => dir.log(line),
          progress: live.update,
          progressMs: Math.min(1000, sink.everyMs),
          started: (name, kind, pid) => parallel && say(`  instance ${name}: ${kind === 'remote' ? `runner ${plan.instances.find((i) => i.name === name)?.placement.runner}` : `${kind}${kind === 'process' || kind === 'external' ? ` pid ${pid}` : ''}`}\n`),
          ...(runners ? { runners } : {}),
        })
      : notStarted(dir.failed!);
    signals.writingOutputs();
    // placement here too (run.json has it already, from the facts) for the summary's instances line and the report.
    const extra: Record<string, unknown> = { ...(parallel ? { placement: placements } : {}), runSeconds: outcome.runSeconds };
    if (outcome.stopExact !== undefined) extra.stopExact = outcome.stopExact;
    if (outcome.failure) extra.failure = outcome.failure;
    if (outcome.interrupt) extra.signal = outcome.interrupt;
    const run = dir.finish({ plan, result: outcome.result, metrics: outcome.metrics, wallSeconds: outcome.wallSeconds, status: outcome.status, log: outcome.log, extra });
    written = true;
    if (run.status !== 'failed') live.finish(run.result.now, run.result.events, run.wallSeconds);
    const figures = run.metrics ? summarize(p.loaded, file, run.metrics) : [];
    // A disk that failed the run takes nothing more: what it kept is what run.json lists.
    const diskFailed = (run.extra?.failure as Failure | undefined)?.code === 'E_OUTPUT';
    const profileText = diskFailed ? '' : await optionalOutputs(dir, run, { config: config.name, instantiation: instName, seed, params, catalog, until, figures, profileNs, say, late: signals.late });
    dir.close(run);
    report(run, dir.dir, { config: config.name, instName, seed, json: flags.json ?? false, quiet: flags.quiet ?? false, figures });
    if (profileText && !flags.json && !flags.quiet) process.stdout.write(`\n${profileText}${profileText.endsWith('\n') ? '' : '\n'}`);
    if (run.status === 'failed') {
      const f = (run.extra?.failure as Failure | undefined) ?? { instance: '?', message: run.result.message ?? 'failed' };
      // One instance: naming it says nothing the config does not.
      const named = f.message.startsWith(`instance ${f.instance}`) || f.instance === 'run directory' || plan.instances.length === 1;
      const why = named ? f.message : `instance ${f.instance}: ${f.message}`;
      process.stderr.write(`splitsim: run failed: ${why}\n  run directory ${dir.dir}\n`);
    }
    if (outcome.stopExact === false) say('warning: a component stopped the run after another instance had already run past that point; see run.log\n');
    process.exitCode = run.status === 'failed' ? EXIT.failed : run.status === 'interrupted' ? SIGNAL_EXIT[(outcome.interrupt as RunSignal) ?? 'SIGINT'] ?? EXIT.interrupted : (signals.exitCode() ?? EXIT.completed);
  } catch (err) {
    // Whatever escaped (a bug of ours, a plan this runtime refuses): run.json still ends, as failed.
    if (!written) {
      const message = err instanceof Error ? err.message : String(err);
      const failure: Failure = { instance: 'coordinator', message, ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as { code: string }).code } : {}) };
      dir.close(dir.finish({ plan, result: { reason: 'failed', now: 0, events: 0, message }, metrics: null, wallSeconds: 0, status: 'failed', log: [], extra: { failure } }));
    }
    throw err;
  } finally {
    signals.uninstall();
  }
}

/** The outcome of a run whose directory could not take plan.json or run.log: failed before the first event. */
function notStarted(why: string): RunOutcome {
  const failure: Failure = { instance: 'run directory', code: 'E_OUTPUT', message: why };
  return { status: 'failed', result: { reason: 'failed', now: 0, events: 0, message: why }, metrics: null, wallSeconds: 0, runSeconds: 0, log: [`failed: ${why}`], failure };
}

/**
 * For a profiled run the profiler's outputs (wtpg.*) and summary, then report.html (every run,
 * with the WTPG when there is one, so the profile comes first). Neither is needed to trust the
 * run: a signal here skips the profile post-processing (the report is still written, without
 * it), a write that fails is reported and the run keeps its status.
 */
async function optionalOutputs(
  dir: RunDirectory,
  run: RunRecord,
  o: { config: string; instantiation: string; seed: number; params: Record<string, unknown>; catalog: Prepared['catalog']; until: number | undefined; figures: Figure[]; profileNs: number; say: (s: string) => void; late: Promise<void> },
): Promise<string> {
  let text = '';
  let profile: Awaited<ReturnType<typeof import('@splitsim/profiler').profileRun>> | null = null;
  // A late signal (before or during the post-processing) is handled by the race below.
  if (o.profileNs > 0) {
    try {
      const { profileRun, summaryText } = await import('@splitsim/profiler');
      const profiled = profileRun(dir.dir);
      const done = await Promise.race([profiled, o.late.then(() => null)]);
      if (done === null) o.say(`profile post-processing skipped (run \`splitsim profile ${dir.dir}\` for it)\n`);
      else {
        profile = done;
        text = summaryText(done);
      }
    } catch (err) {
      o.say(`profiler: ${(err as Error).message} (run \`splitsim profile ${dir.dir}\` to retry)\n`);
    }
  }
  // report.html is written whatever came (as before the profile existed); only the profile is skipped.
  try {
    writeRunReport(dir.dir, { run, config: o.config, instantiation: o.instantiation, seed: o.seed, params: o.params, figures: o.figures, catalog: o.catalog, profile, ...(o.until !== undefined ? { until: o.until } : {}), ...(o.profileNs > 0 ? { profileNs: o.profileNs } : {}) });
  } catch (err) {
    o.say(`report: ${fsProblem(err)}\n`);
  }
  return text;
}

/** `--params`: the config's parameters with their types, defaults and the values this command line gives them. */
function printParams(loaded: LoadedConfig, json: boolean): void {
  const list = describeParams(loaded.config.params).map((p) => ({ ...p, value: loaded.params[p.name] }));
  if (json) {
    process.stdout.write(`${JSON.stringify(list)}\n`);
    return;
  }
  const width = Math.max(4, ...list.map((p) => p.name.length));
  const lines = [`${loaded.config.name} parameters (--set name=value):`];
  for (const p of list) lines.push(`  ${p.name.padEnd(width)}  ${p.type}${p.required ? ', required' : ''}${p.default !== undefined ? `, default ${JSON.stringify(p.default)}` : ''}`);
  if (list.length === 0) lines.push('  (none)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

function report(run: RunRecord, dir: string, o: { config: string; instName: string; seed: number; json: boolean; quiet: boolean; figures: Figure[] }): void {
  const { result, wallSeconds } = run;
  if (o.json) {
    const instances = run.plan.instances.length;
    process.stdout.write(JSON.stringify({ dir, config: o.config, instantiation: o.instName, seed: o.seed, status: run.status, instances, result, wallSeconds, eventsPerSecond: result.events / wallSeconds, figures: o.figures, ...run.extra }) + '\n');
    return;
  }
  if (o.quiet || run.status === 'failed') return;
  const how: Record<string, string> = { until: 'reached the end time', empty: 'no events left', maxEvents: 'event limit reached', interrupted: 'interrupted', failed: 'failed' };
  const lines = [
    `${o.config}/${o.instName}: ${result.reason === 'stopped' ? result.message : how[result.reason]}`,
    `  simulated   ${showTime(result.now, 6)}`,
    `  events      ${result.events.toLocaleString('en')} in ${showWall(wallSeconds)} wall (${showRate(result.events / wallSeconds)})`,
  ];
  if (run.extra?.placement) {
    const sim = Number(run.extra.runSeconds ?? 0);
    lines.push(`  instances   ${run.plan.instances.length} (${run.extra.placement}): ${showWall(sim)} simulating after start-up (${showRate(result.events / sim)})`);
  }
  const width = Math.max(12, ...o.figures.map((f) => f.name.length + 2));
  for (const f of o.figures) {
    const unit = f.unit ? ` ${f.unit}` : '';
    const expected = f.expected === undefined ? '' : `   theory ${fmt(f.expected)}${unit}, error ${(((f.value - f.expected) / f.expected) * 100).toFixed(2)} %`;
    lines.push(`  ${f.name.padEnd(width)}${fmt(f.value)}${unit}${expected}`);
  }
  lines.push(`  run directory ${dir}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en') : showNumber(x, 6);
}
