import { SplitSimError } from '@splitsim/kernel';
import type { Problem } from '@splitsim/system';

/** One problem found while resolving a plan; all are collected before failing once. */
export type PlanProblem = Problem;

/**
 * Every problem of a plan. The message lists them, one line per distinct message: the same
 * mistake on a thousand components is one line naming a few of them and the count. With one
 * distinct message, the whole error is one line.
 */
export class PlanError extends SplitSimError {
  constructor(readonly problems: PlanProblem[]) {
    const list = lines(problems);
    // One distinct problem is one line; several, a list under the count.
    const body = list.length === 1 ? ` ${list[0]!.slice(4)}` : `\n${list.join('\n')}`;
    super('E_CONFIG', `the plan has ${problems.length} problem${problems.length === 1 ? '' : 's'}:${body}`, { problems });
    this.name = 'PlanError';
  }
}

function lines(problems: readonly PlanProblem[]): string[] {
  const byMessage = new Map<string, string[]>();
  for (const p of problems) {
    const list = byMessage.get(p.message);
    if (list) list.push(p.where);
    else byMessage.set(p.message, [p.where]);
  }
  return [...byMessage].map(([message, where]) => `  - ${someOf(where)}: ${message}`);
}

/** "a, b, c and 7 more": names a few of many paths in one message. */
export function someOf(names: readonly string[], shown = 3): string {
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
