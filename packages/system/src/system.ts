import { z } from 'zod';
import { units } from '@splitsim/kernel';
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
    const ends = { a: this.portRef(a), b: this.portRef(b) };
    const where = `link ${this.portName(ends.a)} ↔ ${this.portName(ends.b)}`;
    const parsed = linkOptions.safeParse(options);
    let decl: LinkDecl;
    if (parsed.success) {
      const o = parsed.data;
      decl = { id, ...ends, latency: o.latency, noCut: o.noCut, ...(o.bandwidth === undefined ? {} : { bandwidth: o.bandwidth }), ...(o.kind === undefined ? {} : { kind: o.kind }) };
    } else {
      this.declared.push(...paramProblems(where, parsed.error.issues, 'a link', LINK_KEYS));
      this.unreadable.add(id);
      decl = { id, ...ends, latency: 0, noCut: false };
    }
    for (const [end, ref] of [['a', a], ['b', b]] as const) {
      if (!this.isPortRef(ref)) this.declared.push({ where, message: `end ${end} is not a port of this system; write handle.port('name') with a handle from this system's add()` });
    }
    this.links.push(decl);
    return decl;
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
