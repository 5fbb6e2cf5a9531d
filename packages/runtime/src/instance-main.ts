/**
 * Entry point of one instance, in a worker thread (workerData holds its spec) or a child process
 * (the spec comes as the first IPC message). It rebuilds its share of the plan from the plan's
 * model modules, read from its own installation, wires its channel ends, reports ready, connects on command, runs on command, and
 * reports metrics or its failure. Nothing here depends on which of the two it runs in, beyond
 * how reports go up and commands come down.
 */
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Synchronizer, wallNs } from '@splitsim/channels';
import { buildInstance } from './build-instance.ts';
import { planCatalog } from './modules.ts';
import { pinSplitsim } from './pin-splitsim.ts';
import { ControlBlock, createControl, failureOf, type Command, type InstanceSpec, type Report } from './control.ts';
import { InstanceLoop, type LoopEnd } from './instance-loop.ts';
import { ProfileCosts } from './profile-costs.ts';
import { ProfileLog } from './profile-log.ts';
import { InstanceChannels } from './wire-channels.ts';

const inThread = !isMainThread;
/** Remote instances: where each WebSocket channel this instance connects to listens (sent with the connect command). */
const peers = new Map<number, string>();
function takePeers(list: Array<[number, string]> | undefined): void {
  for (const [channel, url] of list ?? []) peers.set(channel, url);
}

function report(r: Report): void {
  if (inThread) parentPort!.postMessage(r);
  else process.send!(r);
}

/** Waits (without blocking the event loop) until `ready` holds for the control state; false if aborted. */
async function awaitCommand(control: ControlBlock, ready: (s: ReturnType<ControlBlock['read']>) => boolean): Promise<boolean> {
  for (;;) {
    const s = control.read();
    if (s.abort !== null) return false;
    if (ready(s)) return true;
    const seq = control.bell.prepare();
    if (control.changed()) control.bell.cancel();
    else await control.bell.parkAsync(seq, 100);
  }
}

async function main(spec: InstanceSpec, control: ControlBlock): Promise<void> {
  // Atomics.waitAsync holds no reference on the event loop: without this a parked worker would exit.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const name = spec.plan.instances[spec.instance]?.name ?? `#${spec.instance}`;
  const log: string[] = [];
  let channels: InstanceChannels | null = null;
  let profile: ProfileLog | null = null;
  let loop: InstanceLoop | null = null;
  try {
    if (spec.plan.modules.some((m) => m.url !== undefined)) pinSplitsim();
    const { engine, cut } = buildInstance(spec.plan, spec.instance, await planCatalog(spec.plan), (line) => log.push(line));
    channels = new InstanceChannels(spec.plan, spec.instance, engine, cut, spec.channels, {
      whileFull: () => loop!.whileFull(),
      onInput: () => control.bell.ring(),
      onLost: (channel, why) => {
        // The orchestrator learns of a lost peer from the peer's exit and aborts us; this only
        // makes sure we do not wait forever if it cannot.
        setTimeout(() => {
          if (control.ending()) return;
          log.push(`channel ${channel} lost: ${why}`);
          control.apply({ op: 'abort', why: 'failed' });
        }, 2000).unref();
      },
    });
    const listening = await channels.listen((line) => process.stderr.write(`${name}: ${line}\n`));
    report(listening.length > 0 ? { type: 'ready', listening } : { type: 'ready' });
    if (!(await awaitCommand(control, (s) => s.connect))) return;
    await channels.connect(peers);
    report({ type: 'connected' });
    if (!(await awaitCommand(control, (s) => s.go))) return;

    const sync = new Synchronizer(channels.ends);
    sync.setTiming(spec.profileNs > 0);
    const profileMs = spec.profileNs / 1e6;
    const costs = spec.runDir !== null && spec.profileNs > 0 ? new ProfileCosts(engine, channels.trunk) : null;
    if (costs !== null) profile = new ProfileLog(spec.runDir!, name, engine, channels.ends, wallNs(), { cores: availableParallelism(), placement: inThread ? 'thread' : 'process' }, costs);
    loop = new InstanceLoop(engine, sync, control, {
      name,
      until: spec.until ?? Infinity,
      spinNs: spec.spinNs,
      asyncWait: !inThread || channels.usesSockets,
      report,
      profile,
      profileMs,
      costs,
      ...(spec.progressMs !== undefined ? { progressMs: spec.progressMs } : {}),
    });
    let end: LoopEnd;
    try {
      end = await loop.run();
    } catch (err) {
      if (!control.aborting()) throw err;
      end = control.read().abort!;
    }
    if (end === 'failed') {
      profile?.final('failed');
      return;
    }
    engine.finish();
    const metrics = engine.metrics();
    profile?.final(end);
    report({ type: 'finished', status: end, metrics, log, now: engine.now, events: engine.executed, runNs: loop.runNs });
  } catch (err) {
    profile?.final('failed');
    report({ type: 'failed', failure: failureOf(name, err) });
    if (log.length > 0) process.stderr.write(log.map((l) => `${name}: ${l}\n`).join(''));
  } finally {
    channels?.close();
    clearInterval(keepAlive);
  }
}

if (inThread) {
  const spec = workerData as InstanceSpec;
  const control = new ControlBlock(spec.control!);
  // A runner posts the connect command with the peers of WebSocket channels (a message, not the
  // control block, which holds no strings): the peers are known before the command is.
  const onMessage = (m: { command?: Command }) => {
    if (m.command?.op === 'connect') takePeers(m.command.peers);
    if (m.command) control.apply(m.command);
  };
  parentPort!.on('message', onMessage);
  parentPort!.unref();
  await main(spec, control);
  parentPort!.off('message', onMessage);
} else {
  // The orchestrator decides what an interrupt means (the process has its own group; this is for a stray SIGINT).
  process.on('SIGINT', () => {});
  const control = new ControlBlock(createControl());
  let finished = false;
  let spec: InstanceSpec | null = null;
  // A lost parent (killed outright) ends the instance: no orphan, and no socket left by its listeners.
  const orphaned = () => {
    if (finished) return;
    for (const c of spec?.channels ?? []) if (c.transport === 'socket' && c.listen) rmSync(dirname(c.path), { recursive: true, force: true });
    process.exit(1);
  };
  process.on('disconnect', orphaned);
  if (!process.connected) orphaned();
  spec = await new Promise<InstanceSpec>((resolve) => {
    process.on('message', (m: { spec?: InstanceSpec; command?: Command }) => {
      if (m.spec) resolve(m.spec);
      else if (m.command) {
        if (m.command.op === 'connect') takePeers(m.command.peers);
        control.apply(m.command);
      }
    });
  });
  await main(spec, control);
  finished = true;
  // Exit once the last report has left; the orchestrator waits for the exit.
  process.send!({ type: 'bye' }, () => process.exit(0));
}
