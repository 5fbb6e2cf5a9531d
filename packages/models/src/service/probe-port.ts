import { SplitSimError, type Context } from '@splitsim/kernel';

/**
 * Opens a component's `probe` port: a probe sends (0, metric name) and gets back (value, name).
 * Probes are ordinary components joined by a link, so they may sit in another instance; the
 * value is the one at the moment the query arrives.
 */
export function answerProbes(ctx: Context, metrics: Record<string, () => number>): void {
  const table = new Map(Object.entries(metrics));
  const port = ctx.port('probe', (_num, ref) => {
    const get = typeof ref === 'string' ? table.get(ref) : undefined;
    if (!get) {
      throw new SplitSimError('E_PARAMS', `${ctx.path}: a probe asked for metric ${JSON.stringify(ref)}, which model ${ctx.model} does not have (metrics: ${[...table.keys()].join(', ')})`, {
        component: ctx.path,
        field: 'metrics',
      });
    }
    port.send(get(), ref);
  });
}
