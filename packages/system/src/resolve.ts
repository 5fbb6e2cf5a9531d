import type { ZodObject } from 'zod';
import type { AppData, AppDecl } from './kinds/apps.ts';
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

/**
 * What the run's model modules add to what a system can hold: more component kinds, and the host
 * applications there are. Without `apps`, host applications are left unchecked.
 */
export interface SystemExtensions {
  kinds?: Iterable<KindSpec>;
  apps?: ReadonlyMap<string, AppDecl>;
}

/** Checks every component and link of a system; see System.resolve(). */
export function resolveSystem(system: System, declared: readonly Problem[], ext: SystemExtensions = {}): ResolvedSystem {
  const problems: Problem[] = [...declared];
  const params: Record<string, unknown>[] = [];
  const invalid = new Set<number>();
  const kinds = new Map(system.kinds);
  for (const k of ext.kinds ?? []) if (!kinds.has(k.kind)) kinds.set(k.kind, k);

  for (const c of system.components) {
    const spec = kinds.get(c.kind);
    const bad = pathProblem(c.path);
    if (bad) problems.push({ where: c.path, message: bad });
    if (!spec) {
      const hint = closest(c.kind, kinds.keys());
      problems.push({ where: c.path, message: `unknown kind "${c.kind}"${hint ? ` (did you mean "${hint}"?)` : ''}; kinds: ${[...kinds.keys()].join(', ')}` });
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
  if (ext.apps) checkApps(system, kinds, ext.apps, params, invalid, problems);
  const linkKinds = checkLinks(system, kinds, params, invalid, problems);
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

/**
 * Each application of a host that runs them is checked by its type's own schema (units parsed,
 * defaults filled), and every application that talks to another host names a host that listens
 * on that protocol and port.
 */
function checkApps(system: System, kinds: ReadonlyMap<string, KindSpec>, apps: ReadonlyMap<string, AppDecl>, params: Record<string, unknown>[], invalid: Set<number>, problems: Problem[]): void {
  const runs = (c: { id: number; kind: string }) => kinds.get(c.kind)?.apps === true && !invalid.has(c.id);
  for (const c of system.components) {
    if (!runs(c)) continue;
    const list = params[c.id]!.apps as AppData[];
    let ok = true;
    const parsed = list.map((app, i) => {
      const decl = apps.get(app.type);
      if (!decl) {
        const hint = closest(app.type, apps.keys());
        problems.push({ where: c.path, message: `apps[${i}]: unknown application type "${app.type}"${hint ? ` (did you mean "${hint}"?)` : ''}; types: ${[...apps.keys()].join(', ')}` });
        ok = false;
        return app;
      }
      const { type, ...rest } = app;
      const r = decl.params.safeParse(rest);
      if (r.success) return { type, ...(r.data as Record<string, unknown>) };
      const shape = (decl.params as ZodObject).shape;
      for (const p of paramProblems(c.path, r.error.issues, `application ${type}`, shape ? Object.keys(shape) : undefined)) {
        problems.push({ where: p.where, message: `apps[${i}] (${type}): ${p.message}` });
      }
      ok = false;
      return app;
    });
    if (ok) params[c.id] = { ...params[c.id], apps: parsed };
    else invalid.add(c.id);
  }
  for (const c of system.components) {
    if (!runs(c)) continue;
    (params[c.id]!.apps as AppData[]).forEach((app, i) => {
      const to = apps.get(app.type)!.talksTo?.(app);
      if (!to) return;
      const peer = system.find(to.host);
      if (!peer || !kinds.get(peer.kind)?.apps) {
        problems.push({ where: c.path, message: `apps[${i}].${to.field}: no host "${to.host}"; name a host by its path` });
        return;
      }
      if (peer.id === c.id) {
        problems.push({ where: c.path, message: `apps[${i}].${to.field}: a host cannot send to itself; name another host` });
        return;
      }
      if (invalid.has(peer.id)) return;
      const listens = (params[peer.id]!.apps as AppData[]).some((p) => {
        const at = apps.get(p.type)?.listens?.(p);
        return at !== undefined && at.protocol === to.protocol && at.port === to.port;
      });
      if (!listens) {
        const hint = to.listener ? `; add { type: '${to.listener}', port: ${to.port} } to its apps` : '';
        problems.push({ where: c.path, message: `apps[${i}] (${app.type}) sends to ${to.host} ${to.protocol.toUpperCase()} port ${to.port}, where nothing listens${hint}` });
      }
    });
  }
}

function checkLinks(system: System, kinds: ReadonlyMap<string, KindSpec>, params: Record<string, unknown>[], invalid: ReadonlySet<number>, problems: Problem[]): Array<LinkKind | undefined> {
  // Which link holds each port, per component: one map of the whole system's ports would pass
  // V8's 2^24 entries for a PHOLD of a million nodes, and build a string per link end.
  const usedBy: Array<Map<string, number> | undefined> = new Array(system.components.length);
  return system.links.map((l) => {
    if (system.isUnreadable(l.id) || l.a.component < 0 || l.b.component < 0) return undefined;
    // Named only for a problem: a string per link costs seconds at a million links.
    const where = () => `link ${system.linkName(l)}`;
    if (l.a.component === l.b.component && l.a.port === l.b.port) {
      problems.push({ where: where(), message: 'joins a port to itself; join two different ports' });
      return undefined;
    }
    const implied = new Set<LinkKind>();
    for (const end of [l.a, l.b]) {
      const ports = (usedBy[end.component] ??= new Map());
      const other = ports.get(end.port);
      if (other !== undefined) problems.push({ where: where(), message: `port ${system.portName(end)} is already joined by link ${system.linkName(system.links[other]!)}; a port takes one link` });
      else ports.set(end.port, l.id);
      const c = system.components[end.component]!;
      const spec = kinds.get(c.kind);
      if (!spec?.ports || invalid.has(c.id)) continue;
      const kind = spec.ports.linkKind(end.port, params[c.id]!);
      if (kind === undefined) problems.push({ where: where(), message: `${c.path} (${c.kind}) has no port "${end.port}" (ports: ${spec.ports.list(params[c.id]!)}); link one of those` });
      else implied.add(kind);
    }
    if (implied.size > 1) {
      problems.push({ where: where(), message: 'joins a network port to a PCI port; join eth to eth/switch ports, pci to pci' });
      return undefined;
    }
    const fromPorts = [...implied][0];
    if (l.kind && fromPorts && l.kind !== fromPorts) problems.push({ where: where(), message: `is declared a ${l.kind} link but joins ${fromPorts} ports; drop kind or fix the ports` });
    const kind = l.kind ?? fromPorts ?? (l.bandwidth !== undefined ? 'network' : undefined);
    if (kind === 'network' && l.bandwidth === undefined) problems.push({ where: where(), message: 'is a network link without a bandwidth; add bandwidth, e.g. "10Gbps"' });
    if (kind === 'pci' && l.bandwidth !== undefined) problems.push({ where: where(), message: 'is a PCI link, which has a latency but no bandwidth; drop bandwidth' });
    return kind;
  });
}
