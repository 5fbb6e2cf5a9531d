import type { z } from 'zod';

/**
 * One problem found while checking a system or a plan. `where` names the component path, the link
 * (`a.port ↔ b.port`) or the instance; `message` says what is wrong and what to change. Checks
 * collect every problem and fail once.
 */
export interface Problem {
  where: string;
  message: string;
}

/** `['apps', 0, 'dst']` → `apps[0].dst`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

/** The closest of `names` to `word` within two edits, for "did you mean" hints. */
export function closest(word: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(word.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Turns zod issues about the parameters of `where` into problems, one per issue. `owner` names
 * whose parameters they are ("kind host", "model server.fifo"); `known` lists the top-level keys,
 * so an unknown key gets a "did you mean" and the list to choose from.
 */
export function paramProblems(where: string, issues: ReadonlyArray<z.core.$ZodIssue>, owner: string, known?: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    const at = field ? `${field}: ` : '';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = field === '' && known ? closest(key, known) : undefined;
        const list = field === '' && known ? `; parameters of ${owner}: ${known.join(', ') || '(none)'}` : '';
        problems.push({ where, message: `${at}unknown parameter "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}${list}` });
      }
    } else if (issue.code === 'invalid_type' && issue.path.length > 0 && issue.message.endsWith('received undefined')) {
      problems.push({ where, message: `${at}is required (${issue.expected})` });
    } else if (issue.code === 'invalid_type' && issue.path.length === 0) {
      problems.push({ where, message: `the parameters of ${owner} must be an object of named values` });
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && Array.isArray((issue as { options?: unknown }).options)) {
      problems.push({ where, message: `${at}must be one of ${((issue as { options: unknown[] }).options).map((o) => JSON.stringify(o)).join(', ')}` });
    } else {
      problems.push({ where, message: `${at}${issue.message}` });
    }
  }
  return problems;
}
