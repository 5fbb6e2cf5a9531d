import { z } from 'zod';
import { units } from '@splitsim/kernel';
import { paramProblems, type Problem } from './problems.ts';
import type { ComponentHandle, LinkDecl, System } from './system.ts';

/** A component a fault names: its handle, or its path. */
export type FaultTarget = ComponentHandle | string;

/**
 * A declared fault, as plain data (times in ps, components and links by id). The plan turns the
 * list into each component's crash windows and each link's fault segments (drawing the seeded
 * processes from the run seed), so every instance reads the same schedule.
 */
export type FaultDecl =
  /** Crashes at `at`, recovers at `recover` (never without it). */
  | { readonly type: 'crash'; readonly components: readonly number[]; readonly at: number; readonly recover?: number }
  /** Each component alternates up and down for exponential times of these means, from `from`; no crash starts at or after `until`. */
  | { readonly type: 'crashes'; readonly components: readonly number[]; readonly meanUp: number; readonly meanDown: number; readonly from: number; readonly until: number }
  /** Over [at, until): the links drop everything (down), or lose each message with probability `loss`, or delay each by `delay` ps. */
  | { readonly type: 'link'; readonly links: readonly number[]; readonly at: number; readonly until?: number; readonly down: boolean; readonly loss: number; readonly delay: number }
  /** Over [at, until): every link joining a component of `a` to one of `b` is down. */
  | { readonly type: 'partition'; readonly a: readonly number[]; readonly b: readonly number[]; readonly at: number; readonly until?: number };

const window = { at: units.time(), until: units.time().optional() };
const crashOptions = z.object({ at: units.time(), recover: units.time().optional() }).strict();
const processOptions = z.object({ meanUp: units.time(), meanDown: units.time(), from: units.time('0s'), until: units.time() }).strict();
const downOptions = z.object(window).strict();
const degradeOptions = z.object({ ...window, loss: z.number().min(0).max(1).default(0), delay: units.time('0s') }).strict();

/**
 * The fault schedule of a system: part of the "what", like its components. Each call declares a
 * fault; problems (an unknown component, a window that ends before it starts) are collected and
 * reported with the system's others by resolve().
 *
 *   system.faults.crash(leader, { at: '2s', recover: '3s' });
 *   system.faults.crashes(nodes, { meanUp: '5s', meanDown: '500ms', until: '60s' });
 *   system.faults.down(link, { at: '1s', until: '1.5s' });
 *   system.faults.partition([a, b], [c, d, e], { at: '4s', until: '6s' });
 *   system.faults.degrade(link, { at: '1s', until: '2s', loss: 0.1, delay: '5ms' });
 */
export class FaultSchedule {
  readonly list: FaultDecl[] = [];
  /** Declarations so far, valid or not: problems name a fault by its place among them. */
  private calls = 0;

  constructor(
    private readonly system: System,
    private readonly problem: (p: Problem) => void,
  ) {}

  /** Crashes components at `at`; they recover at `recover`, or never. */
  crash(targets: FaultTarget | readonly FaultTarget[], options: { at: string | number; recover?: string | number }): void {
    const where = this.where('crash');
    const o = this.parse(where, crashOptions, options);
    const components = this.components(where, targets);
    if (!o || !components) return;
    if (o.recover !== undefined && o.recover <= o.at) return this.problem({ where, message: 'recover must come after at' });
    this.list.push({ type: 'crash', components, at: o.at, ...(o.recover === undefined ? {} : { recover: o.recover }) });
  }

  /**
   * A seeded crash process: each component stays up for an exponential time of mean `meanUp`,
   * then down for one of mean `meanDown`, and so on, from `from` until `until` (no crash starts
   * later). The times are drawn from the run seed when the plan is made.
   */
  crashes(targets: FaultTarget | readonly FaultTarget[], options: { meanUp: string | number; meanDown: string | number; from?: string | number; until: string | number }): void {
    const where = this.where('crashes');
    const o = this.parse(where, processOptions, options);
    const components = this.components(where, targets);
    if (!o || !components) return;
    if (o.meanUp <= 0 || o.meanDown <= 0) return this.problem({ where, message: 'meanUp and meanDown must be above 0' });
    if (o.until <= o.from) return this.problem({ where, message: 'until must come after from' });
    this.list.push({ type: 'crashes', components, meanUp: o.meanUp, meanDown: o.meanDown, from: o.from, until: o.until });
  }

  /** Takes links down over [at, until): every message sent on them then is dropped. */
  down(links: LinkDecl | readonly LinkDecl[], options: { at: string | number; until?: string | number }): void {
    const where = this.where('down');
    const o = this.parse(where, downOptions, options);
    const ids = this.links(where, links);
    if (!o || !ids || !this.ordered(where, o)) return;
    this.list.push({ type: 'link', links: ids, at: o.at, ...(o.until === undefined ? {} : { until: o.until }), down: true, loss: 0, delay: 0 });
  }

  /** Over [at, until), each message sent on the links is lost with probability `loss`, and the others leave `delay` later. */
  degrade(links: LinkDecl | readonly LinkDecl[], options: { at: string | number; until?: string | number; loss?: number; delay?: string | number }): void {
    const where = this.where('degrade');
    const o = this.parse(where, degradeOptions, options);
    const ids = this.links(where, links);
    if (!o || !ids || !this.ordered(where, o)) return;
    if (o.loss === 0 && o.delay === 0) return this.problem({ where, message: 'give a loss probability or a delay (or both)' });
    this.list.push({ type: 'link', links: ids, at: o.at, ...(o.until === undefined ? {} : { until: o.until }), down: false, loss: o.loss, delay: o.delay });
  }

  /** Over [at, until), cuts every link that joins a component of `a` to one of `b` (both ways). */
  partition(a: readonly FaultTarget[], b: readonly FaultTarget[], options: { at: string | number; until?: string | number }): void {
    const where = this.where('partition');
    const o = this.parse(where, downOptions, options);
    const sa = this.components(where, a);
    const sb = this.components(where, b);
    if (!o || !sa || !sb || !this.ordered(where, o)) return;
    const inB = new Set(sb);
    const both = sa.filter((id) => inB.has(id));
    if (both.length > 0) return this.problem({ where, message: `${this.system.pathOf(both[0]!)} is on both sides; a partition separates two disjoint sets` });
    this.list.push({ type: 'partition', a: sa, b: sb, at: o.at, ...(o.until === undefined ? {} : { until: o.until }) });
  }

  private where(call: string): string {
    return `faults.${call} #${++this.calls}`;
  }

  private parse<T>(where: string, schema: z.ZodType<T>, options: unknown): T | null {
    const r = schema.safeParse(options);
    if (r.success) return r.data;
    for (const p of paramProblems(where, r.error.issues, 'a fault', Object.keys((schema as unknown as z.ZodObject).shape ?? {}))) this.problem(p);
    return null;
  }

  private ordered(where: string, o: { at: number; until?: number | undefined }): boolean {
    if (o.until === undefined || o.until > o.at) return true;
    this.problem({ where, message: 'until must come after at' });
    return false;
  }

  /** Component ids of the targets, or null (and a problem) if one is not a component of this system. */
  private components(where: string, targets: FaultTarget | readonly FaultTarget[]): number[] | null {
    const list = Array.isArray(targets) ? (targets as readonly FaultTarget[]) : [targets as FaultTarget];
    const ids = new Set<number>();
    for (const t of list) {
      const decl = typeof t === 'string' ? this.system.find(t) : this.system.components[t?.decl?.id ?? -1];
      if (!decl || (typeof t !== 'string' && decl !== t.decl)) {
        this.problem({ where, message: `${typeof t === 'string' ? `no component "${t}"` : 'a target is not a component of this system'}; name components by their handle or path` });
        return null;
      }
      ids.add(decl.id);
    }
    if (ids.size === 0) this.problem({ where, message: 'names no component' });
    return ids.size === 0 ? null : [...ids];
  }

  private links(where: string, links: LinkDecl | readonly LinkDecl[]): number[] | null {
    const list = Array.isArray(links) ? (links as readonly LinkDecl[]) : [links as LinkDecl];
    if (list.length === 0 || list.some((l) => this.system.links[l?.id ?? -1] !== l)) {
      this.problem({ where, message: 'name links by what system.link() returned' });
      return null;
    }
    return list.map((l) => l.id);
  }
}
