import type { Command } from 'commander';
import { formatTime, MS, parseTime, SimulationError, SplitSimError, toSeconds } from '@splitsim/kernel';
import { describeParams, type Figure, type Plan } from '@splitsim/instantiation';
import { defaultRunDirectory, parseRunners, placeOnRunners, planConfig, runParallel, runSequential, summarize, writeReport, writeRunDirectory, type RunnerAddress, type RunRecord } from '@splitsim/runtime';
import { loadConfig, parseOverrides, type LoadedConfig } from '../load-config.ts';
import { options } from '../options.ts';

export interface RunFlags {
  inst?: string;
  until?: string;
  maxEvents?: number;
  seed?: number;
  set?: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  placement?: 'thread' | 'process';
  profile?: string | boolean;
  params?: boolean;
  replications?: number;
  workers?: number;
  runners?: string;
  tokenFile?: string;
  runnerTimeout?: string;
}

/** Exit codes of `splitsim run` (documented in docs/architecture.md). */
export const EXIT = { completed: 0, failed: 3, interrupted: 130 } as const;

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a config\'s instantiation and write a run directory (plan.json, metrics.json, run.json, run.log, profile/)')
    .argument('<config>', 'config file, e.g. configs/mmc.ts');
  for (const o of options('inst', 'until', 'maxEvents', 'seed', 'set', 'out', 'placement', 'profile', 'runners', 'tokenFile', 'runnerTimeout', 'replications', 'workers', 'params', 'json', 'quiet')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    [
      '',
      'A plan with one instance runs in this process; more instances (or --placement, or --profile) run in',
      'parallel, one worker thread or child process per instance, joined by synchronized channels.',
      'Exit codes: 0 completed, 2 bad input, 3 the run failed (an instance failed or died), 130 interrupted (Ctrl-C).',
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

export async function runCommand(file: string, flags: RunFlags): Promise<void> {
  // --replications: independent seeds on a worker pool (commands/sweep.ts), not one run.
  if (flags.replications !== undefined && flags.replications > 1) return (await import('./sweep.ts')).replicationsCommand(file, flags);
  const loaded = await loadConfig(file, parseOverrides(flags.set));
  const { config, params, catalog } = loaded;
  if (flags.params) return printParams(loaded, flags.json === true);
  const seed = flags.seed ?? config.run?.seed ?? 1;
  const untilText = flags.until ?? config.run?.until;
  const until = untilText === undefined ? undefined : parseTime(untilText, '--until');
  const profileNs = profileInterval(flags.profile);
  const planned = planConfig(loaded, file, flags.inst, seed);
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
  const parallel = runners !== undefined || plan.instances.length > 1 || flags.placement !== undefined || profileNs > 0 || plan.instances.some((i) => i.placement.kind === 'external');
  if (parallel && flags.maxEvents !== undefined) {
    throw new SplitSimError('E_CONFIG', '--max-events needs a run in one instance: which events come first across instances is only known in one engine; use --until', { field: '--max-events' });
  }
  const dir = flags.out ?? defaultRunDirectory(config.name);
  const say = flags.quiet || flags.json ? () => {} : (s: string) => process.stderr.write(s);
  const progress = (now: number, events: number, wall: number) => say(`  ${formatTime(now)} simulated, ${events.toLocaleString('en')} events, ${wall.toFixed(0)} s\n`);
  const placements = [...new Set(plan.instances.map((i) => i.placement.kind))].join('+');
  say(`running ${config.name}/${instName}: ${plan.components.length} components, ${plan.instances.length} instance(s)${parallel ? ` (${placements})` : ''}, seed ${seed}\n`);

  let run: RunRecord;
  let failure: string | null = null;
  if (!parallel) {
    const log: string[] = [];
    const seqOptions: Parameters<typeof runSequential>[1] = { log: (line) => log.push(line), progress, catalog };
    if (until !== undefined) seqOptions.until = until;
    if (flags.maxEvents !== undefined) seqOptions.maxEvents = flags.maxEvents;
    const t0 = performance.now();
    try {
      const { result, metrics, wallSeconds } = runSequential(plan, seqOptions);
      run = { plan, result, metrics, wallSeconds, status: 'completed', log };
    } catch (err) {
      if (!(err instanceof SimulationError)) throw err;
      failure = err.message;
      log.push(`failed: ${err.message}`);
      const wallSeconds = (performance.now() - t0) / 1000;
      run = { plan, result: { reason: 'failed', now: err.time, events: err.event, message: err.message }, metrics: null, wallSeconds, status: 'failed', log, extra: { failure: { component: err.component, time: err.time, event: err.event, message: err.message } } };
    }
  } else {
    const abort = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      // First Ctrl-C: stop the instances and keep what they have; a second one gives up at once.
      if (++interrupts > 1) process.exit(EXIT.interrupted);
      say('interrupted: stopping the instances (Ctrl-C again to quit at once)\n');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const r = await runParallel(plan, {
        ...(until !== undefined ? { until } : {}),
        runDir: dir,
        profileNs,
        signal: abort.signal,
        progress,
        started: (name, kind, pid) => say(`  instance ${name}: ${kind === 'remote' ? `runner ${plan.instances.find((i) => i.name === name)?.placement.runner}` : `${kind}${kind !== 'thread' ? ` pid ${pid}` : ''}`}\n`),
        ...(runners ? { runners } : {}),
      });
      const extra: Record<string, unknown> = { placement: placements, runSeconds: r.runSeconds };
      if (r.stopExact !== undefined) extra.stopExact = r.stopExact;
      if (r.failure) extra.failure = r.failure;
      if (profileNs > 0) extra.profileIntervalNs = profileNs;
      run = { plan, result: r.result, metrics: r.metrics, wallSeconds: r.wallSeconds, status: r.status, log: r.log, extra };
      if (r.failure) {
        const f = r.failure;
        failure = f.message.startsWith(`instance ${f.instance}`) ? f.message : `instance ${f.instance}: ${f.message}`;
      }
      if (r.stopExact === false) say('warning: a component stopped the run after another instance had already run past that point; see run.log\n');
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
  writeRunDirectory(dir, run);
  const figures = run.metrics ? summarize(loaded, file, run.metrics) : [];
  // Every run gets its report.html (plots of what its probes recorded, its headline figures).
  writeReport(dir, { title: `${config.name}/${instName}`, facts: [`seed ${seed}`, `${plan.instances.length} instance(s)`, `status ${run.status}`], figures, metrics: run.metrics });
  // A profiled run is post-processed at once: wtpg.json/.dot/.svg/.html and the advice.
  let profileText = '';
  if (profileNs > 0) {
    try {
      const { profileRun, summaryText } = await import('@splitsim/profiler');
      profileText = summaryText(await profileRun(dir));
    } catch (err) {
      say(`profiler: ${(err as Error).message} (run \`splitsim profile ${dir}\` to retry)\n`);
    }
  }
  report(run, dir, { config: config.name, instName, seed, json: flags.json ?? false, quiet: flags.quiet ?? false, figures });
  if (profileText && !flags.json && !flags.quiet) process.stdout.write(`\n${profileText}${profileText.endsWith('\n') ? '' : '\n'}`);
  if (failure !== null) process.stderr.write(`splitsim: run failed: ${failure}\n  run directory ${dir}\n`);
  process.exitCode = EXIT[run.status];
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
    `  simulated   ${formatTime(result.now)} (${toSeconds(result.now).toPrecision(6)} s)`,
    `  events      ${result.events.toLocaleString('en')} in ${wallSeconds.toFixed(3)} s wall (${(result.events / wallSeconds / 1e6).toFixed(2)} M/s)`,
  ];
  if (run.extra?.placement) {
    const sim = Number(run.extra.runSeconds ?? 0);
    lines.push(`  instances   ${run.plan.instances.length} (${run.extra.placement}): ${sim.toFixed(3)} s simulating after start-up (${(result.events / sim / 1e6).toFixed(2)} M/s)`);
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
  return Number.isInteger(x) ? x.toLocaleString('en') : x.toPrecision(6);
}
