import { SplitSimError } from '@splitsim/kernel';
import type { Plan } from '@splitsim/instantiation';
import { createControl, ringPair, spinNsFor, type ChannelSpec } from './control.ts';
import { channelPath } from './runner-protocol.ts';

/** A runner as the coordinator reaches it (`--runners a=host:port`). */
export interface RunnerAddress {
  name: string;
  host: string;
  port: number;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** "host:port", "[v6]:port" or a bare port (loopback). */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? (/^\d+$/.test(text) ? [text, undefined, '127.0.0.1', text] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port < 65536) || (m[1] ?? m[2]) === '') throw new SplitSimError('E_CONFIG', `${what} ${text}: write host:port (e.g. 127.0.0.1:7070 or runner-a:7070)`, { field: what });
  return { host: (m[1] ?? m[2])!, port };
}

/** A host as a URL writes it: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `--runners a=host:port,b=host:port`: names and addresses, each name once. */
export function parseRunners(text: string): RunnerAddress[] {
  const out: RunnerAddress[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq) : '';
    if (!NAME.test(name)) throw new SplitSimError('E_CONFIG', `--runners ${part}: write name=host:port (a name of letters, digits, . _ -)`, { field: '--runners' });
    if (out.some((r) => r.name === name)) throw new SplitSimError('E_CONFIG', `--runners names runner ${name} twice`, { field: '--runners' });
    out.push({ name, ...parseHostPort(part.slice(eq + 1), '--runners') });
  }
  if (out.length === 0) throw new SplitSimError('E_CONFIG', '--runners: name at least one runner, name=host:port', { field: '--runners' });
  return out;
}

/** `--channel-ports 7100-7199`: the ports a runner's channel listeners may take; [0] for any. */
export function parsePortRange(text: string | undefined): number[] {
  if (text === undefined) return [0];
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new SplitSimError('E_CONFIG', `--channel-ports ${text}: write a port or a range, e.g. 7100-7199`, { field: '--channel-ports' });
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/**
 * Places a plan's instances on runners. With no remote placement in the plan, its instances are
 * dealt out over the runners in order (instance i on runner i mod R); otherwise every instance
 * must be placed on a named runner the list has. (A run mixes no remote instance with local
 * ones: a local instance would need a channel to a runner, which only runners open.)
 */
export function placeOnRunners(plan: Plan, runners: readonly RunnerAddress[]): Plan {
  const names = new Set(runners.map((r) => r.name));
  const anyRemote = plan.instances.some((i) => i.placement.kind === 'remote');
  if (!anyRemote) {
    return { ...plan, instances: plan.instances.map((inst, i) => ({ ...inst, placement: { kind: 'remote' as const, runner: runners[i % runners.length]!.name } })) };
  }
  const problems: string[] = [];
  for (const inst of plan.instances) {
    const p = inst.placement;
    if (p.kind !== 'remote') problems.push(`instance ${inst.name} is placed in a ${p.kind}; a plan that places instances on runners must place them all on runners`);
    else if (!names.has(p.runner ?? '')) problems.push(`instance ${inst.name} is placed on runner ${p.runner}, which --runners does not name (it names ${[...names].join(', ')})`);
  }
  if (problems.length > 0) throw new SplitSimError('E_CONFIG', problems.join('; '), { problems });
  return plan;
}

/** The runner of each instance (by instance id), or throws for an instance not on a runner. */
export function runnerOf(plan: Plan): string[] {
  return plan.instances.map((inst) => {
    if (inst.placement.kind !== 'remote' || !inst.placement.runner) {
      throw new SplitSimError('E_CONFIG', `instance ${inst.name} is placed in a ${inst.placement.kind}; a plan that places instances on runners must place them all on runners`, { instance: inst.name });
    }
    return inst.placement.runner;
  });
}

export interface RunnerShare {
  /** Ids of the instances this runner runs. */
  instances: number[];
  /** Channel specs of each of them, by instance id. */
  channels: Map<number, ChannelSpec[]>;
  /** Control blocks of each of them (shared memory: they are worker threads). */
  controls: Map<number, SharedArrayBuffer>;
  /** Wall time a blocked instance spins before it parks, for this runner's cores. */
  spinNs: number;
}

/**
 * What one runner builds for its share of a run: its instances run as worker threads, joined by
 * shared-memory rings; a channel to an instance on another runner is a WebSocket, listened on by
 * the end whose instance is the channel's `a`.
 */
export function runnerShare(plan: Plan, where: readonly string[], me: string, o: { run: string; host: string; ports: number[]; token: string }): RunnerShare {
  const instances = plan.instances.filter((i) => where[i.id] === me).map((i) => i.id);
  const mine = new Set(instances);
  const channels = new Map(instances.map((i) => [i, [] as ChannelSpec[]]));
  const controls = new Map(instances.map((i) => [i, createControl()]));
  for (const ch of plan.channels) {
    const a = mine.has(ch.a);
    const b = mine.has(ch.b);
    if (a && b) {
      const [sa, sb] = ringPair(ch.id, controls.get(ch.a)!, controls.get(ch.b)!);
      channels.get(ch.a)!.push(sa);
      channels.get(ch.b)!.push(sb);
    } else if (a || b) {
      const ws = { transport: 'ws' as const, host: o.host, ports: o.ports, path: channelPath(o.run, ch.id), token: o.token };
      channels.get(a ? ch.a : ch.b)!.push({ channel: ch.id, listen: a, ...ws });
    }
  }
  return { instances, channels, controls, spinNs: spinNsFor(instances.length) };
}
