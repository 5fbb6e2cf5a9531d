/**
 * Typed errors with stable codes. Every error that reaches a user names what it is about
 * (input, component path, port, field) and, during a run, the simulated time.
 */
export type ErrorCode =
  | 'E_TIME_UNIT'
  | 'E_TIME_RANGE'
  | 'E_RATE_UNIT'
  | 'E_PORT'
  | 'E_SCHEDULE'
  | 'E_COMPONENT'
  | 'E_ORDER_RANGE'
  | 'E_PARAMS'
  | 'E_CONFIG'
  | 'E_CHANNEL'
  | 'E_PROTOCOL'
  | 'E_INSTANCE'
  /** The run directory: --out refused before the run, or its disk failed during it. */
  | 'E_OUTPUT'
  | 'E_RUNNER';

export class SplitSimError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SplitSimError';
    this.code = code;
    this.details = details;
  }
}

/** An exception thrown inside a component's handler, with where and when it happened. */
export class SimulationError extends SplitSimError {
  readonly component: string;
  readonly time: number;
  readonly event: number;

  constructor(component: string, time: number, event: number, cause: unknown, timeText: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // The cause's own code (E_TIME_RANGE, E_SCHEDULE…) stays readable for scripts and tests.
    const causeCode = (cause as { code?: unknown } | null)?.code;
    super('E_COMPONENT', `component ${component} failed at ${timeText} (event ${event}): ${reason}`, {
      component,
      time,
      event,
      ...(typeof causeCode === 'string' && causeCode.startsWith('E_') ? { cause: causeCode } : {}),
    });
    this.name = 'SimulationError';
    this.component = component;
    this.time = time;
    this.event = event;
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\ncaused by ${cause.stack}`;
  }
}
