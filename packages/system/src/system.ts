import { parseRate, parseTime, SplitSimError } from '@splitsim/kernel';

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
  readonly params: Record<string, unknown>;
}

export interface LinkOptions {
  /** Propagation latency: "500ns", or a number of ps. */
  latency: string | number;
  /** Bandwidth of a network link: "10Gbps", or bits per second. */
  bandwidth?: string | number;
  /** Never cut this link by a partition. */
  noCut?: boolean;
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

/**
 * The "what": components and the links between them, with no simulator choice in it.
 * Built by a program (loops, functions); ids follow declaration order, so the same program
 * gives the same ids.
 */
export class System {
  readonly components: ComponentDecl[] = [];
  readonly links: LinkDecl[] = [];
  private readonly byPath = new Map<string, number>();

  constructor(readonly name: string) {}

  add(kind: string, path: string, params: Record<string, unknown> = {}): ComponentHandle {
    if (this.byPath.has(path)) throw new SplitSimError('E_CONFIG', `${path}: a component with this path is declared twice`, { component: path });
    const decl: ComponentDecl = { id: this.components.length, path, kind, params };
    this.components.push(decl);
    this.byPath.set(path, decl.id);
    return new ComponentHandle(decl);
  }

  link(a: PortRef, b: PortRef, options: LinkOptions): LinkDecl {
    const name = `${this.pathOf(a.component)}.${a.port} ↔ ${this.pathOf(b.component)}.${b.port}`;
    const decl: LinkDecl = {
      id: this.links.length,
      a,
      b,
      latency: parseTime(options.latency, `latency of link ${name}`),
      noCut: options.noCut ?? false,
      ...(options.bandwidth === undefined ? {} : { bandwidth: parseRate(options.bandwidth, `bandwidth of link ${name}`) }),
    };
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
}
