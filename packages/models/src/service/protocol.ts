/**
 * How service-level components talk. A message is (num, ref) and must cost no allocation, so
 * everything is a number:
 *
 * - a **job** (request): num = token ≥ 0, ref = tag. The token is whatever its sender needs to
 *   find the job again: a source's token is the job's creation time (ps), so a sink measures
 *   end-to-end latency as now - token; a client's token is its slot for the outstanding request.
 *   The tag packs the customer id and the class (priority, latency class): class·2^20 + customer.
 * - a **response** (to a job that came in on a request/response port): num = the job's token,
 *   ref = status: the server's load at that moment in 1/2^16 units, plus REJECTED if refused.
 * - a **command** to a server: num < 0 (PROBE_LENGTH, PROBE_WORK, STEAL), ref = a correlation
 *   number the reply echoes.
 * - a **report** from a server (reply to a command, or an update it sends on its own):
 *   num = -1 - value, value ≥ 0 an integer (jobs, or picoseconds of work); ref = the correlation
 *   number, or UNSOLICITED.
 */

export const CUSTOMER_BITS = 20;
const CUSTOMERS = 2 ** CUSTOMER_BITS;
/** Largest class a tag can carry (tags stay small integers, which V8 passes without boxing). */
export const MAX_CLASS = 511;

export function tag(customer: number, cls: number): number {
  return cls * CUSTOMERS + customer;
}

export function tagCustomer(ref: unknown): number {
  return typeof ref === 'number' && ref >= 0 ? ref % CUSTOMERS : 0;
}

export function tagClass(ref: unknown): number {
  return typeof ref === 'number' && ref >= 0 ? Math.floor(ref / CUSTOMERS) : 0;
}

export const LOAD_SCALE = 65536;
export const REJECTED = 2 ** 28;

export function status(load: number, rejected: boolean): number {
  return Math.min(REJECTED - 1, Math.round(load * LOAD_SCALE)) + (rejected ? REJECTED : 0);
}

export function statusLoad(ref: unknown): number {
  return typeof ref === 'number' ? (ref % REJECTED) / LOAD_SCALE : 0;
}

export function statusRejected(ref: unknown): boolean {
  return typeof ref === 'number' && ref >= REJECTED;
}

/** Reply with the number of jobs in the server (waiting and in service). */
export const PROBE_LENGTH = -1;
/** Reply with the unfinished work in the server, in picoseconds. */
export const PROBE_WORK = -2;
/** Take one job away (resource pooling's central server): a waiting one, else the one in service. */
export const STEAL = -3;

export const UNSOLICITED = -1;

export function report(value: number): number {
  return -1 - value;
}

export function reported(num: number): number {
  return -1 - num;
}

/** Port family names: `target0`, `target1`, … declared in a spec as `target*`. */
export function family(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}
