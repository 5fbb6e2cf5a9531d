import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { wallNs } from '@splitsim/channels';
import { formatTime } from '@splitsim/kernel';
import type { Command, Failure, InstanceSpec, Report } from './control.ts';
import { ControlError, ControlReader, helloFrame, jsonFrame, parseReport, type ExternalReport } from './external-control.ts';
import { ExternalProfile, externalMetrics } from './external-results.ts';
import { setupMessage } from './external-setup.ts';
import type { HandleEvents, InstanceHandle } from './instance-handle.ts';

/** Default wall time an external program has to say HELLO and READY, and later CONNECTED. */
export const EXTERNAL_START_MS = 10_000;
/** Lines of the program's stderr kept for failure messages. */
const TAIL_LINES = 8;
/** After the process exits, how long its last control frames may take to arrive. */
const DRAIN_MS = 200;

/**
 * An external instance: a program in another language that speaks docs/external-protocol.md,
 * behind the same handle as a thread or a child process. It gets its control connection as fd 3
 * (a Unix stream socket), HELLO and its `setup`; commands go down as JSON frames, its reports
 * come up checked (a malformed one fails the run, naming it) and turned into the runtime's
 * reports; its statistics and profile counters are written like ours. It runs in its own
 * process group, so kill() leaves nothing it started behind.
 */
export function startExternal(spec: InstanceSpec, on: HandleEvents): InstanceHandle {
  const inst = spec.plan.instances[spec.instance]!;
  const placement = inst.placement;
  const argv = placement.command ?? [];
  const startMs = placement.startTimeoutMs ?? EXTERNAL_START_MS;
  const shown = argv.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    cwd: placement.cwd,
    env: { ...process.env, ...placement.env, SPLITSIM_PROTOCOL: '1', SPLITSIM_CONTROL_FD: '3', SPLITSIM_INSTANCE: inst.name },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const who = () => `instance ${inst.name} (external process ${child.pid ?? '?'}: ${shown})`;
  const tail: string[] = [];
  const profile = spec.runDir !== null && spec.profileNs > 0 ? new ExternalProfile(spec.runDir, spec.plan, spec.instance) : null;
  const reader = new ControlReader();
  let ctl: Socket | null = (child.stdio[3] as Socket | null) ?? null;
  let phase: 'start' | 'ready' | 'connecting' | 'running' | 'finished' | 'broken' = 'start';
  let goAt = 0;
  let exitHow: string | null = null;
  let ctlClosed = false;
  let reported = false;

  const fail = (message: string, code = 'E_INSTANCE') => {
    if (phase === 'broken' || phase === 'finished') return;
    phase = 'broken';
    const f: Failure = { instance: inst.name, code, message };
    on.report({ type: 'failed', failure: f });
    kill();
  };
  const send = (m: Record<string, unknown>) => {
    if (ctl && !ctl.destroyed && ctl.writable) ctl.write(jsonFrame(m));
  };
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const lastWords = () => (tail.length > 0 ? `; its last words on stderr: ${tail.join(' | ')}` : '');

  let timer: NodeJS.Timeout | null = setTimeout(() => {
    fail(`${who()} ${reader.helloSeen ? 'said HELLO but not READY' : 'did not say HELLO'} within ${formatMs(startMs)} of its start${lastWords()}`);
  }, startMs);
  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const onReport = (r: ExternalReport) => {
    switch (r.type) {
      case 'ready':
        if (phase !== 'start') throw new ControlError(`READY twice, or after CONNECT`);
        phase = 'ready';
        clearTimer();
        on.report({ type: 'ready' });
        return;
      case 'connected':
        if (phase !== 'connecting') throw new ControlError('CONNECTED before the CONNECT command');
        phase = 'running';
        clearTimer();
        on.report({ type: 'connected' });
        return;
      case 'profile':
        profile?.write(r);
        return;
      case 'failed': {
        phase = 'broken';
        const f: Failure = { instance: inst.name, code: 'E_COMPONENT', message: `${who()} failed: ${r.message}` };
        if (r.component !== undefined) f.component = r.component;
        if (r.time !== undefined) f.time = r.time;
        if (r.event !== undefined) f.event = r.event;
        on.report({ type: 'failed', failure: f });
        return;
      }
      case 'finished': {
        const metrics = externalMetrics(spec.plan, spec.instance, r);
        phase = 'finished';
        on.report({ type: 'finished', status: r.status, metrics, log: r.log ?? [], now: r.now, events: r.events, runNs: goAt > 0 ? (performance.now() - goAt) * 1e6 : 0 });
        return;
      }
      default:
        if (phase !== 'running') throw new ControlError(`${r.type.toUpperCase()} before the run started`);
        on.report(r as Report);
    }
  };

  ctl?.on('data', (chunk: Buffer) => {
    if (phase === 'broken') return;
    try {
      for (const m of reader.push(chunk)) onReport(parseReport(m));
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      fail(`${who()} broke the control protocol: ${err.message}`, 'E_PROTOCOL');
    }
  });
  ctl?.on('error', () => {});
  ctl?.on('close', () => {
    ctlClosed = true;
    if (exitHow !== null) gone();
  });
  // What the program prints goes to our stderr, its name in front; the last lines explain a failure.
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        process.stderr.write(`${inst.name}: ${l}\n`);
        if (stream === child.stderr && l.trim()) tail.push(l.trim()) > TAIL_LINES && tail.shift();
      }
    });
  }

  const gone = () => {
    if (reported) return;
    reported = true;
    clearTimer();
    profile?.close();
    on.exit(`${exitHow}${phase === 'finished' ? '' : lastWords()}`);
  };
  child.on('error', (err) => {
    // Spawning failed (no such program, not executable): no process, so no exit event follows.
    if (child.pid === undefined) {
      fail(`cannot start ${who()}: ${err.message}`);
      exitHow = 'never started';
      gone();
    }
  });
  child.on('exit', (code, signal) => {
    exitHow = signal ? `signal ${signal}` : `exit code ${code}`;
    // Its last frames (the statistics) may still be on their way up; wait for them briefly.
    if (ctlClosed) gone();
    else setTimeout(gone, DRAIN_MS).unref();
  });

  if (ctl) {
    ctl.write(helloFrame());
    ctl.write(jsonFrame(setupMessage(spec.plan, spec.instance, spec.until, spec.profileNs, spec.channels)));
  }

  return {
    kind: 'external',
    pid: child.pid ?? -1,
    command: (c: Command) => {
      if (phase === 'broken') return;
      if (c.op === 'connect') {
        phase = 'connecting';
        timer = setTimeout(() => fail(`${who()} did not report CONNECTED within ${formatMs(startMs)} of the CONNECT command${lastWords()}`), startMs);
      }
      if (c.op === 'go') {
        goAt = performance.now();
        if (profile) profile.startNs = wallNs();
      }
      const { op, ...rest } = c;
      send({ type: op, ...rest });
    },
    kill: () => {
      clearTimer();
      kill();
      ctl?.destroy();
      ctl = null;
    },
  };
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
