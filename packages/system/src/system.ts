import { z } from 'zod';
import { MAX_COMPONENT_ID, SplitSimError, units } from '@splitsim/kernel';
import { builtinKinds } from './kinds/index.ts';
import type { KindSpec, LinkKind } from './kinds/kind.ts';
import { FaultSchedule } from './faults.ts';
import { paramProblems, type Problem } from './problems.ts';
import { resolveSystem, type ResolvedSystem, type SystemExtensions } from './resolve.ts';

/** A port of a declared component: what a link joins. */
export interface PortRef {
  readonly component: number;
  readonly port: string;
}

export interface ComponentDecl {
  /** Stable id: the order of declaration, which depends on the system program alone. */
  readonly id: number;
  /** Stable name path, e.g. `block2/rack3/host17`. */
  readonly path: string;
  readonly kind: string;
  /** The parameters as given; `system.resolve()` holds them with units parsed and defaults filled. */
  readonly params: Record<string, unknown>;
}

export interface LinkOptions {
  /** Propagation latency: "500ns", or a number of ps. */
  latency: string | number;
  /** Bandwidth of a network link: "10Gbps", or bits per second. */
  bandwidth?: string | number;
  /** Never cut this link by a partition. */
  noCut?: boolean;
  /** Network or PCI link; by default the ports it joins decide. */
  kind?: LinkKind;
}

export interface LinkDecl {
  readonly id: number;
  readonly a: PortRef;
  readonly b: PortRef;
  /** Picoseconds. */
  readonly latency: number;
  /** Bits per second, for network links. */
  readonly bandwidth?: number;
  readonly noCut: boolean;
  /** As given in the options; `system.resolve().linkKinds` has the kind the ports imply. */
  readonly kind?: LinkKind;
}

const linkOptions = z
  .object({
    latency: units.time(),
    bandwidth: units.rate().optional(),
    noCut: z.boolean().default(false),
    kind: z.enum(['network', 'pci']).optional(),
  })
  .strict();

const LINK_KEYS = Object.keys(linkOptions.shape);

/**
 * The most components and links a system may hold. Components: a run orders events by component
 * id in 21 bits (kernel MAX_COMPONENT_ID). Links: what planning holds in a 4 GB heap.
 */
export const MAX_COMPONENTS = MAX_COMPONENT_ID;
export const MAX_LINKS = 2 ** 22;

/** The options' values as a cache key, or null when they are not plain values of known keys. */
function optionsKey(options: unknown): string | null {
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return null;
  const o = options as Record<string, unknown>;
  let key = '';
  for (const k in o) {
    if (!LINK_KEYS.includes(k)) return null;
    const v = o[k];
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
  }
  for (const k of LINK_KEYS) key += `${typeof o[k]}:${String(o[k])}\u0000`;
  return key;
}

/** What add() returns: the component, and a way to name its ports. */
export class ComponentHandle {
  constructor(readonly decl: ComponentDecl) {}

  get id(): number {
    return this.decl.id;
  }

  get path(): string {
    return this.decl.path;
  }

  port(name: string): PortRef {
    return { component: this.decl.id, port: name };
  }
}

export interface SystemOptions {
  /**
   * Kinds beyond the built-in ones (host, nic, switch, source, server, load-balancer, client,
   * sink, phold). Kinds that a config's model modules declare need not be listed: the plan adds
   * them when it resolves the system.
   */
  kinds?: Iterable<KindSpec>;
}

/**
 * The "what": components and the links between them, with no simulator choice in it.
 * Built by a program (loops, functions); ids follow declaration order, so the same program
 * gives the same ids. Declaring never throws on bad input: every problem is collected and
 * reported by resolve() (and so by instantiate) all at once.
 */
export class System {
  readonly components: ComponentDecl[] = [];
  readonly links: LinkDecl[] = [];
  readonly kinds: ReadonlyMap<string, KindSpec>;
  private readonly byPath = new Map<string, number>();
  /** Problems seen while declaring: duplicate paths, unreadable link options. */
  private readonly declared: Problem[] = [];
  /** Links whose options could not be read: later checks skip them. */
  private readonly unreadable = new Set<number>();
  /** What fails, and when: crashes, links down, partitions, lossy or slow links (faults.ts). */
  readonly faults: FaultSchedule = new FaultSchedule(this, (p) => this.declared.push(p));
  private readonly linkOptionCache = new Map<string, ReturnType<typeof linkOptions.safeParse>>();

  constructor(
    readonly name: string,
    options: SystemOptions = {},
  ) {
    const kinds = new Map(builtinKinds);
    for (const k of options.kinds ?? []) kinds.set(k.kind, k);
    this.kinds = kinds;
  }

  add(kind: string, path: string, params: Record<string, unknown> = {}): ComponentHandle {
    const id = this.components.length;
    if (id >= MAX_COMPONENTS) throw new SplitSimError('E_CONFIG', `system ${this.name}: more than ${MAX_COMPONENTS.toLocaleString('en')} components, the most a run can order events of (2^21 ids)`, { field: 'components' });
    const decl: ComponentDecl = { id, path: typeof path === 'string' ? path : `#${id}`, kind: typeof kind === 'string' ? kind : '?', params };
    if (typeof path !== 'string') this.declared.push({ where: decl.path, message: `the path of component ${id} must be a string such as "block2/rack3/host17"` });
    const first = this.byPath.get(decl.path);
    if (first !== undefined) {
      this.declared.push({ where: decl.path, message: `is declared twice (components ${first} and ${id}); give each component its own path` });
    } else this.byPath.set(decl.path, id);
    this.components.push(decl);
    return new ComponentHandle(decl);
  }

  link(a: PortRef, b: PortRef, options: LinkOptions): LinkDecl {
    const id = this.links.length;
    if (id >= MAX_LINKS) throw new SplitSimError('E_CONFIG', `system ${this.name}: more than ${MAX_LINKS.toLocaleString('en')} links, past what a plan holds (planning keeps about 1 KB per link; see docs/BENCHMARKS.md, "Large systems")`, { field: 'links' });
    const ends = { a: this.portRef(a), b: this.portRef(b) };
    const where = () => `link ${this.portName(ends.a)} ↔ ${this.portName(ends.b)}`;
    const parsed = this.readLinkOptions(options);
    let decl: LinkDecl;
    if (parsed.success) {
      const o = parsed.data;
      decl = { id, ...ends, latency: o.latency, noCut: o.noCut, ...(o.bandwidth === undefined ? {} : { bandwidth: o.bandwidth }), ...(o.kind === undefined ? {} : { kind: o.kind }) };
    } else {
      this.declared.push(...paramProblems(where(), parsed.error.issues, 'a link', LINK_KEYS));
      this.unreadable.add(id);
      decl = { id, ...ends, latency: 0, noCut: false };
    }
    for (const [end, ref] of [['a', a], ['b', b]] as const) {
      if (!this.isPortRef(ref)) this.declared.push({ where: where(), message: `end ${end} is not a port of this system; write handle.port('name') with a handle from this system's add()` });
    }
    this.links.push(decl);
    return decl;
  }

  /**
   * Link options as the schema reads them. Systems repeat a few option sets over many links (a
   * PHOLD of a million nodes: one latency, twelve million times), so results are kept by value.
   */
  private readLinkOptions(options: unknown): ReturnType<typeof linkOptions.safeParse> {
    const key = optionsKey(options);
    if (key === null) return linkOptions.safeParse(options);
    let r = this.linkOptionCache.get(key);
    if (r === undefined) {
      r = linkOptions.safeParse(options);
      if (this.linkOptionCache.size < 4096) this.linkOptionCache.set(key, r);
    }
    return r;
  }

  find(path: string): ComponentDecl | undefined {
    const id = this.byPath.get(path);
    return id === undefined ? undefined : this.components[id];
  }

  pathOf(id: number): string {
    return this.components[id]?.path ?? `#${id}`;
  }

  /** `block0/rack1/tor.p3`. */
  portName(ref: PortRef): string {
    return `${this.pathOf(ref.component)}.${ref.port}`;
  }

  /** `block0/rack1/tor.p3 ↔ block0/rack1/host3.eth`, the name messages use. */
  linkName(link: LinkDecl): string {
    return `${this.portName(link.a)} ↔ ${this.portName(link.b)}`;
  }

  /** True if the link's options could not be read (its problem is already reported). */
  isUnreadable(link: number): boolean {
    return this.unreadable.has(link);
  }

  /**
   * Parameters with units parsed and defaults filled (IP addresses assigned, host applications
   * checked against the ones `extensions` declares), the kind of every link, and every problem
   * in the system. Computed afresh on each call: params objects may have been filled in after
   * they were declared.
   */
  resolve(extensions?: SystemExtensions): ResolvedSystem {
    return resolveSystem(this, this.declared, extensions);
  }

  private isPortRef(ref: unknown): ref is PortRef {
    const r = ref as PortRef | null;
    return typeof r === 'object' && r !== null && Number.isInteger(r.component) && r.component >= 0 && r.component < this.components.length && typeof r.port === 'string' && r.port.length > 0;
  }

  /** A copy of a valid ref, or a placeholder that names no component (reported by link()). */
  private portRef(ref: unknown): PortRef {
    return this.isPortRef(ref) ? { component: ref.component, port: ref.port } : { component: -1, port: '?' };
  }
}
