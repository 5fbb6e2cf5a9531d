import type { ZodObject } from 'zod';
import type { App } from './kinds/apps.ts';
import type { KindSpec, LinkKind } from './kinds/kind.ts';
import { closest, paramProblems, type Problem } from './problems.ts';
import type { System } from './system.ts';

export interface ResolvedSystem {
  /**
   * Parameters by component id after the kind's schema: units parsed, defaults filled, host IP
   * addresses assigned. Raw where the kind leaves them to the model, or where they are invalid.
   */
  readonly params: ReadonlyArray<Record<string, unknown>>;
  /** Components whose kind is unknown or whose parameters the kind rejected: later checks skip them. */
  readonly invalid: ReadonlySet<number>;
  /** The kind of each link, from its options or from the ports it joins (undefined: a plain link). */
  readonly linkKinds: ReadonlyArray<LinkKind | undefined>;
  /** Every problem, in declaration order. */
  readonly problems: readonly Problem[];
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

function pathProblem(path: string): string | undefined {
  const segments = path.split('/');
  if (segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) {
    return 'is not a valid path: write segments of letters, digits, "_", "-" or "." joined by "/", e.g. "block2/rack3/host17"';
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function knownKeys(spec: KindSpec): string[] | undefined {
  const shape = (spec.params as ZodObject | undefined)?.shape;
  return shape ? Object.keys(shape) : undefined;
}

/** Checks every component and link of a system; see System.resolve(). */
export function resolveSystem(system: System, declared: readonly Problem[]): ResolvedSystem {
  const problems: Problem[] = [...declared];
  const params: Record<string, unknown>[] = [];
  const invalid = new Set<number>();

  for (const c of system.components) {
    const spec = system.kinds.get(c.kind);
    const bad = pathProblem(c.path);
    if (bad) problems.push({ where: c.path, message: bad });
    if (!spec) {
      const hint = closest(c.kind, system.kinds.keys());
      problems.push({ where: c.path, message: `unknown kind "${c.kind}"${hint ? ` (did you mean "${hint}"?)` : ''}; kinds: ${[...system.kinds.keys()].join(', ')}` });
      invalid.add(c.id);
      params.push(isRecord(c.params) ? c.params : {});
      continue;
    }
    if (!spec.params) {
      if (!isRecord(c.params)) {
        problems.push({ where: c.path, message: `the parameters of kind ${c.kind} must be an object of named values` });
        invalid.add(c.id);
        params.push({});
      } else params.push(c.params);
      continue;
    }
    const parsed = spec.params.safeParse(c.params);
    if (parsed.success) params.push(parsed.data as Record<string, unknown>);
    else {
      problems.push(...paramProblems(c.path, parsed.error.issues, `kind ${c.kind}`, knownKeys(spec)));
      invalid.add(c.id);
      params.push(isRecord(c.params) ? c.params : {});
    }
  }

  assignAddresses(system, params, invalid, problems);
  checkApps(system, params, invalid, problems);
  const linkKinds = checkLinks(system, params, invalid, problems);
  return { params, invalid, linkKinds, problems };
}

/** Hosts without an `ip` get 10.0.0.1, 10.0.0.2, … in id order, skipping explicit addresses. */
function assignAddresses(system: System, params: Record<string, unknown>[], invalid: ReadonlySet<number>, problems: Problem[]): void {
  const owner = new Map<string, string>();
  const hosts = system.components.filter((c) => c.kind === 'host' && !invalid.has(c.id));
  for (const c of hosts) {
    const ip = params[c.id]!.ip as string | undefined;
    if (ip === undefined) continue;
    const first = owner.get(ip);
    if (first !== undefined) problems.push({ where: c.path, message: `ip ${ip} is already the address of ${first}; give it another address or leave ip out to have one assigned` });
    else owner.set(ip, c.path);
  }
  let next = 1;
  for (const c of hosts) {
    if (params[c.id]!.ip !== undefined) continue;
    let ip = '';
    for (;;) {
      ip = `10.${(next >>> 16) & 255}.${(next >>> 8) & 255}.${next & 255}`;
      next++;
      if (!owner.has(ip)) break;
    }
    owner.set(ip, c.path);
    params[c.id] = { ...params[c.id], ip };
  }
}

/** The app a peer must run to answer each kind of sender. */
const ANSWER: Partial<Record<App['type'], App['type']>> = {
  'udp-cbr': 'udp-sink',
  'udp-poisson': 'udp-sink',
  'tcp-bulk': 'tcp-sink',
  'rpc-client': 'rpc-server',
};

/** Every app that talks to another host names a host that runs the matching receiver. */
function checkApps(system: System, params: Record<string, unknown>[], invalid: ReadonlySet<number>, problems: Problem[]): void {
  for (const c of system.components) {
    if (c.kind !== 'host' || invalid.has(c.id)) continue;
    const apps = params[c.id]!.apps as App[];
    apps.forEach((app, i) => {
      const answer = ANSWER[app.type];
      if (!answer) return;
      const target = app.type === 'rpc-client' ? app.server : (app as { dst: string }).dst;
      const field = app.type === 'rpc-client' ? 'server' : 'dst';
      const peer = system.find(target);
      if (!peer || peer.kind !== 'host') {
        problems.push({ where: c.path, message: `apps[${i}].${field}: no host "${target}"; name a host by its path` });
        return;
      }
      if (peer.id === c.id) {
        problems.push({ where: c.path, message: `apps[${i}].${field}: a host cannot send to itself; name another host` });
        return;
      }
      if (invalid.has(peer.id)) return;
      const listens = (params[peer.id]!.apps as App[]).some((p) => p.type === answer && p.port === app.port);
      if (!listens) problems.push({ where: c.path, message: `apps[${i}] (${app.type}) sends to ${target} port ${app.port}, which runs no ${answer} on that port; add { type: '${answer}', port: ${app.port} } to its apps` });
    });
  }
}

function checkLinks(system: System, params: Record<string, unknown>[], invalid: ReadonlySet<number>, problems: Problem[]): Array<LinkKind | undefined> {
  const usedBy = new Map<string, number>();
  return system.links.map((l) => {
    if (system.isUnreadable(l.id) || l.a.component < 0 || l.b.component < 0) return undefined;
    const where = `link ${system.linkName(l)}`;
    if (l.a.component === l.b.component && l.a.port === l.b.port) {
      problems.push({ where, message: 'joins a port to itself; join two different ports' });
      return undefined;
    }
    const implied = new Set<LinkKind>();
    for (const end of [l.a, l.b]) {
      const key = system.portName(end);
      const other = usedBy.get(key);
      if (other !== undefined) problems.push({ where, message: `port ${key} is already joined by link ${system.linkName(system.links[other]!)}; a port takes one link` });
      else usedBy.set(key, l.id);
      const c = system.components[end.component]!;
      const spec = system.kinds.get(c.kind);
      if (!spec?.ports || invalid.has(c.id)) continue;
      const kind = spec.ports.linkKind(end.port, params[c.id]!);
      if (kind === undefined) problems.push({ where, message: `${c.path} (${c.kind}) has no port "${end.port}" (ports: ${spec.ports.list(params[c.id]!)}); link one of those` });
      else implied.add(kind);
    }
    if (implied.size > 1) {
      problems.push({ where, message: 'joins a network port to a PCI port; join eth to eth/switch ports, pci to pci' });
      return undefined;
    }
    const fromPorts = [...implied][0];
    if (l.kind && fromPorts && l.kind !== fromPorts) problems.push({ where, message: `is declared a ${l.kind} link but joins ${fromPorts} ports; drop kind or fix the ports` });
    const kind = l.kind ?? fromPorts ?? (l.bandwidth !== undefined ? 'network' : undefined);
    if (kind === 'network' && l.bandwidth === undefined) problems.push({ where, message: 'is a network link without a bandwidth; add bandwidth, e.g. "10Gbps"' });
    if (kind === 'pci' && l.bandwidth !== undefined) problems.push({ where, message: 'is a PCI link, which has a latency but no bandwidth; drop bandwidth' });
    return kind;
  });
}
