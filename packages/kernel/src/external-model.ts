import { Component, type ComponentClass, type ComponentSpec } from './component.ts';
import type { Context } from './context.ts';
import { SplitSimError } from './errors.ts';

/**
 * A model that only an external simulator implements (a program in C, Python, … that speaks
 * docs/external-protocol.md). Its spec is plain data like any other: kinds, ports, a parameter
 * schema and the statistics it reports, so a plan that uses it is checked before anything
 * starts, and `splitsim models` lists it. The plan names it; the external process, started by
 * an instance placed `external({ command })`, implements it. The class exists so that a model
 * module exports it like any model; building it in one of our own instances is refused.
 */
export function defineExternalModel<P>(spec: Omit<ComponentSpec<P>, 'external'>): ComponentClass<P> {
  const full: ComponentSpec<P> = { ...spec, external: true };
  return class ExternalModel extends Component<P> {
    static readonly spec = full;

    constructor(ctx: Context, params: P) {
      super(ctx, params);
      throw new SplitSimError(
        'E_CONFIG',
        `${ctx.path}: model ${full.model} is implemented only by an external simulator; place ${ctx.path} in an instance placed external({ command: [...] })`,
        { component: ctx.path },
      );
    }
  };
}
