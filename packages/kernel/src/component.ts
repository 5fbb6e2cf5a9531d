import type { ZodType } from 'zod';
import type { Context } from './context.ts';

/**
 * What a model declares about itself: the ports it has, the parameters it takes (a zod schema
 * that rejects unknown keys and fills defaults), the system kinds it can simulate, one line of
 * description. The spec feeds validation, `splitsim models` and the docs.
 */
export interface ComponentSpec<P = unknown> {
  /** Registry name, `<family>.<fidelity>`, e.g. `host.protocol`, `queue.fifo`. */
  readonly model: string;
  /** System component kinds this model can simulate. */
  readonly kinds: readonly string[];
  readonly description: string;
  readonly ports: readonly string[];
  readonly params: ZodType<P>;
  /**
   * The model a config gets for its kinds when no rule chooses one and several models simulate
   * them (`host.protocol` for hosts). A kind with one model needs no default.
   */
  readonly default?: boolean;
  /**
   * What the model is to the instantiation steps of its family, e.g. `['switch']` for the network
   * step that computes forwarding tables. Free-form words a step documents.
   */
  readonly roles?: readonly string[];
  /**
   * The model keeps account of crashes (it registers ctx.onCrash / ctx.onRecover, and says what
   * it loses): only then may a plan's fault schedule crash its components. A model that does not
   * would come back from a crash with state that no longer matches its (dropped) timers.
   */
  readonly crashable?: boolean;
  /**
   * The statistics it records, by name (`wait.class*` for a family): what each is, its unit, one
   * line. They feed `splitsim models` and the docs; a test holds every built-in model to them.
   */
  readonly statistics?: Readonly<Record<string, StatisticDoc>>;
  /**
   * Implemented only by an external simulator (docs/external-protocol.md): the spec declares the
   * model's ports, parameters and statistics so plans can be checked, and only an instance placed
   * `external` may hold its components. Set by defineExternalModel().
   */
  readonly external?: boolean;
}

/** What a statistic is, for people reading metrics.json. */
export interface StatisticDoc {
  readonly type: 'counter' | 'tally' | 'timeWeighted' | 'quantiles' | 'batchMeans' | 'series';
  /** Of the values it counts or summarises: 'ps', 'packets', 'bytes', 'jobs', … */
  readonly unit?: string;
  readonly description: string;
}

/**
 * A simulated thing. It reaches the world only through `ctx`: ports, clock, timers, RNG,
 * statistics, log. Subclasses wire ports, timers and statistics in field initialisers (the context
 * is set before they run), schedule their first events in init(), and flush state in finish().
 */
export abstract class Component<P = unknown> {
  readonly ctx: Context;
  readonly params: P;

  constructor(ctx: Context, params: P) {
    this.ctx = ctx;
    this.params = params;
  }

  /** Called once, in component id order, before the first event. */
  init(): void {}

  /** Called once when the run ends (also after a stop), to settle statistics. */
  finish(): void {}
}

export interface ComponentClass<P = any> {
  new (ctx: Context, params: P): Component<P>;
  readonly spec: ComponentSpec<P>;
}

/** Identity helper that keeps the params type of a spec. */
export function defineSpec<P>(spec: ComponentSpec<P>): ComponentSpec<P> {
  return spec;
}
