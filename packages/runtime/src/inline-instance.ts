import type { Catalog } from '@splitsim/instantiation';
import { buildInstance } from './build-instance.ts';
import { ControlBlock, createControl, failureOf, PROGRESS_MS, type InstanceSpec, type Report } from './control.ts';
import { InlineLoop } from './inline-loop.ts';
import type { HandleEvents, InstanceHandle } from './instance-handle.ts';
import { planCatalog } from './modules.ts';

/** Wall time the in-process instance runs events before it yields to the event loop (signals, commands, timers). */
const SLICE_MS = 50;

/**
 * A plan of one instance run in the orchestrator's own thread, behind the same handle and the
 * same protocol as a worker thread or a child process (ready, connected, done or stopped,
 * finished; abort, end): so a run in one engine gets the same signal, failure, progress and
 * output handling as any other. It has no channels; it yields every SLICE_MS so that a signal
 * or an abort is heard within a slice. `catalog`: the plan's models when the caller has them
 * loaded already; else they are read from the plan's modules, as any instance does.
 */
export function startInline(spec: InstanceSpec, on: HandleEvents, catalog: Catalog | null): InstanceHandle {
  const control = new ControlBlock(createControl());
  let wake: (() => void) | null = null;
  let killed = false;
  let exited = false;
  // Reports go up as messages do, after the current step, never inside the orchestrator's own call.
  const report = (r: Report) => queueMicrotask(() => !killed && on.report(r));
  const exit = (how: string) => {
    if (exited) return;
    exited = true;
    queueMicrotask(() => on.exit(how));
  };
  /** Resolves once a command arrives (or at once if one is waiting); false if the run is being aborted or killed. */
  const command = async (ready: (s: ReturnType<ControlBlock['read']>) => boolean): Promise<boolean> => {
    for (;;) {
      if (killed) return false;
      const s = control.read();
      if (s.abort !== null) return false;
      if (ready(s)) return true;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const name = spec.plan.instances[spec.instance]!.name;
  const log: string[] = [];

  const main = async () => {
    const { engine } = buildInstance(spec.plan, spec.instance, catalog ?? (await planCatalog(spec.plan)), (line) => log.push(line));
    report({ type: 'ready' });
    if (!(await command((s) => s.connect))) return;
    report({ type: 'connected' });
    if (!(await command((s) => s.go))) return;
    const t0 = performance.now();
    const progressMs = spec.progressMs ?? PROGRESS_MS;
    let nextProgress = t0 + progressMs;
    const loop = new InlineLoop(engine, spec.until ?? Infinity, spec.maxEvents ?? Infinity);
    engine.start();
    while (!loop.run(SLICE_MS)) {
      await new Promise((resolve) => setImmediate(resolve));
      if (killed) return;
      if (control.aborting()) break;
      const t = performance.now();
      if (t >= nextProgress) {
        nextProgress = t + progressMs;
        report({ type: 'progress', now: engine.now, events: engine.executed });
      }
    }
    if (loop.done) {
      if (engine.stopped) report({ type: 'stopped', time: engine.now, order: engine.queue.order, message: engine.stopMessage!, counts: [] });
      else report({ type: 'done', now: engine.now, queue: engine.queue.size, counts: [], maxEvents: loop.maxEventsReached });
      // The orchestrator decides how the run ends (the common rule) and sends end, or an abort.
      await command((s) => s.end !== null);
    }
    if (killed) return;
    const s = control.read();
    if (s.abort === 'failed') return;
    if (s.abort === null && s.end !== null) engine.now = s.end.now;
    engine.finish();
    const runNs = (performance.now() - t0) * 1e6;
    report({ type: 'finished', status: s.abort === null ? 'completed' : 'interrupted', metrics: engine.metrics(), log, now: engine.now, events: engine.executed, runNs });
  };

  main().then(
    () => exit('exit code 0'),
    (err: unknown) => {
      report({ type: 'failed', failure: failureOf(name, err) });
      exit('exit code 1');
    },
  );
  return {
    kind: 'inline',
    pid: process.pid,
    command: (c) => {
      control.apply(c);
      wake?.();
      wake = null;
    },
    kill: () => {
      killed = true;
      wake?.();
      wake = null;
    },
  };
}
