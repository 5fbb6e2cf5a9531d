/**
 * What Raft components say to each other: the message type is the number, the fields a plain
 * object (references are never changed after sending: within an instance the receiver gets the
 * sender's object, across a channel a copy, and both must behave the same).
 */

/** Between servers (the `peer<j>` ports). */
export const REQUEST_VOTE = 1;
export const VOTE = 2;
export const APPEND = 3;
export const APPEND_REPLY = 4;

export interface RequestVote {
  readonly term: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
}

export interface Vote {
  readonly term: number;
  readonly granted: number;
}

/** AppendEntries: the entries after `prev` (their terms and ids), and the leader's commit index. */
export interface Append {
  readonly term: number;
  readonly prev: number;
  readonly prevTerm: number;
  readonly commit: number;
  readonly terms: readonly number[];
  readonly ids: readonly number[];
}

/** `match`: the last index known to match the leader's (success), or where to try next (failure); `n`: entries the request carried. */
export interface AppendReply {
  readonly term: number;
  readonly success: number;
  readonly match: number;
  readonly n: number;
}

/**
 * Client and server (`client<k>` on the server, `node<i>` on the client): a request is its id
 * (the number, no reference); the answer is the id when the request is committed, or -1 - id
 * with `{ leader }` (the leader's index, -1 when unknown) from a server that is not the leader.
 */
export interface Redirect {
  readonly leader: number;
}

/** An entry's id in the log: the client's port index and its request id; the leader's no-op is NOOP. */
export const NOOP = -1;
export const CLIENT_BITS = 2 ** 32;
export const entryId = (client: number, request: number) => client * CLIENT_BITS + request;
export const entryClient = (id: number) => Math.floor(id / CLIENT_BITS);
export const entryRequest = (id: number) => id % CLIENT_BITS;

/** Reports to an observer (`observer` port), so it can check safety over the whole run. */
export const LEADER = 1;
export const COMMITTED = 2;
export const APPLIED = 3;

/** LEADER: the new leader's log when it won; COMMITTED and APPLIED: the entries from index `from` on. */
export interface Report {
  readonly node: number;
  readonly term: number;
  readonly from: number;
  readonly terms: readonly number[];
  readonly ids: readonly number[];
}
