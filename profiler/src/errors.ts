/**
 * Typed errors of the profiler. It imports nothing from the kernel (it reads only the documented
 * log format), so it carries its own error class; codes are stable, and every problem names the
 * file and, where there is one, the line it was found on.
 */
export type ProfileErrorCode =
  /** A line of a profile log does not follow the format: bad JSON, a missing or mistyped field, a counter going backwards. */
  | 'E_PROFILE_LOG'
  /** A log of a newer or older format version than this profiler reads. */
  | 'E_PROFILE_VERSION'
  /** A run directory without profile logs, or an instance of plan.json without its log. */
  | 'E_PROFILE_MISSING'
  /** The logs disagree with each other or with plan.json (channel ends, peers, instance names). */
  | 'E_PROFILE_MISMATCH'
  /** Too few samples left after dropping warm-up and cool-down samples. */
  | 'E_PROFILE_SHORT';

export interface ProfileProblem {
  code: ProfileErrorCode;
  file: string;
  /** 1-based line number in `file`, when the problem is on one line. */
  line?: number;
  message: string;
}

export function where(p: Pick<ProfileProblem, 'file' | 'line'>): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}`;
}

/** One or more problems found together: validation reports them all at once, not the first only. */
export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  readonly problems: ProfileProblem[];

  constructor(problems: ProfileProblem[]) {
    const shown = problems.slice(0, 20).map((p) => printable(`${where(p)}: ${p.message}`));
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    super(shown.length === 1 ? shown[0]! : `${problems.length} problems in the profile logs:\n  ${shown.join('\n  ')}`);
    this.name = 'ProfileError';
    this.problems = problems;
    // The code of the first problem: the one a script that matches on codes most likely wants.
    this.code = problems[0]?.code ?? 'E_PROFILE_LOG';
  }
}

/**
 * Control characters from the logs or their names (a JSON parse error quotes the bad input) shown
 * as escapes: a message must never move the cursor or recolour the user's terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
