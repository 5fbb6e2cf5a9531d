import { Component, defineSpec, type Port } from 'splitsim';
import { Storage } from './storage.ts';
import { raftParams as params, type RaftParams as Params } from './params.ts';
import {
  APPEND, APPEND_REPLY, APPLIED, COMMITTED, LEADER, NOOP, REQUEST_VOTE, VOTE,
  entryClient, entryId, entryRequest, type Append, type AppendReply, type Report, type RequestVote, type Vote,
} from './messages.ts';

const FOLLOWER = 0;
const CANDIDATE = 1;
const LEADER_ROLE = 2;

/** Something said only once a disk write is done: a vote, or an acknowledgement of entries. */
interface Deferred {
  need: number;
  peer: number;
  type: number;
  ref: Vote | AppendReply;
}

/**
 * A Raft server (Ongaro and Ousterhout, 2014): leader election with randomized timeouts, log
 * replication with pipelined AppendEntries, commit on a majority, clients answered by the leader
 * (redirected by the others). Term, vote and log are durable only once its disk has written them
 * (Storage): votes and acknowledgements wait for that, and a leader counts its own entries only
 * when they are on its disk. A crash loses everything else: after recovery the server restarts
 * as a follower from its disk, with commit and applied indices 0.
 *
 * With an `observer` linked, it reports its log when it becomes leader, the entries it commits
 * as leader and those it applies, so the observer can check safety over the whole run.
 */
export class RaftNode extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'replica.raft',
    kinds: ['replica'],
    description: 'a Raft server: randomized elections, pipelined log replication, majority commit, durable state on a disk',
    ports: ['peer*', 'client*', 'observer'],
    params,
    crashable: true,
    statistics: {
      commitLatency: { type: 'tally', unit: 'ps', description: 'from a request reaching the leader to its commit (entries this server appended as leader)' },
      commitLatencyQ: { type: 'quantiles', unit: 'ps', description: 'the same, as quantiles' },
      elections: { type: 'counter', description: 'elections this server started' },
      won: { type: 'counter', description: 'elections it won' },
      electionTime: { type: 'tally', unit: 'ps', description: 'won elections after it had heard a leader: from the last message of the old leader to winning' },
      electionTimeCold: { type: 'tally', unit: 'ps', description: 'won elections with no leader heard since it started or recovered: from then to winning' },
      writes: { type: 'counter', description: 'disk writes' },
      applied: { type: 'counter', description: 'entries applied (again after a recovery)' },
    },
  });

  private readonly peers: Array<Port | null> = [];
  private readonly clientPorts: Port[] = [];
  private readonly observer = this.ctx.port('observer');
  private readonly store: Storage;
  private readonly majority: number;

  private role = FOLLOWER;
  private leader = -1;
  private commit = 0;
  private applied = 0;
  /** Election deadline: the timer fires at or before it and waits again while it moved. */
  private deadline = 0;
  private timerAt = Infinity;
  private heardLeader = false;
  /** When it last heard the leader, or started, or recovered. */
  private heardAt = 0;
  /** Votes received in this term, as a bit mask of peers; its own counts once durable. */
  private grants = 0;
  private selfVote = false;
  private selfVoteNeed = 0;
  private readonly next: number[] = [];
  private readonly match: number[] = [];
  private readonly inflight: number[] = [];
  private readonly lastSent: number[] = [];
  private selfMatch = 0;
  private deferred: Deferred[] = [];
  private heartbeatGen = 0;

  private readonly electionTimer = this.ctx.timer(() => this.onElectionTimer());
  private readonly heartbeatTimer = this.ctx.timer((gen) => this.onHeartbeat(gen));
  private readonly commitLatency = this.ctx.stats.tally('commitLatency');
  private readonly commitLatencyQ = this.ctx.stats.quantiles('commitLatencyQ');
  private readonly elections = this.ctx.stats.counter('elections');
  private readonly won = this.ctx.stats.counter('won');
  private readonly electionTime = this.ctx.stats.tally('electionTime');
  private readonly electionTimeCold = this.ctx.stats.tally('electionTimeCold');
  private readonly writes = this.ctx.stats.counter('writes');
  private readonly appliedCount = this.ctx.stats.counter('applied');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    const p = this.params;
    this.majority = Math.floor(p.nodes / 2) + 1;
    this.store = new Storage(this.ctx, p.persist, () => this.onDurable(), this.writes);
    for (let j = 0; j < p.nodes; j++) {
      this.peers.push(j === p.index ? null : this.ctx.port(`peer${j}`, (num, ref) => this.onPeer(j, num, ref)));
      this.next.push(1);
      this.match.push(0);
      this.inflight.push(0);
      this.lastSent.push(-Infinity);
    }
    for (let k = 0; k < p.clients; k++) this.clientPorts.push(this.ctx.port(`client${k}`, (id) => this.onRequest(k, id)));
    this.ctx.onRecover(() => this.recover());
  }

  override init(): void {
    this.resetElection();
  }

  private recover(): void {
    this.store.restore();
    this.role = FOLLOWER;
    this.leader = -1;
    this.commit = 0;
    this.applied = 0;
    this.heardLeader = false;
    this.heardAt = this.ctx.now;
    this.deferred = [];
    this.timerAt = Infinity;
    this.resetElection();
  }

  // --- elections ---

  private resetElection(): void {
    const p = this.params;
    this.deadline = this.ctx.now + Math.round(this.ctx.rng.uniform(p.electionMin, p.electionMax));
    if (this.timerAt > this.deadline || this.timerAt < this.ctx.now) {
      this.timerAt = this.deadline;
      this.ctx.schedule(this.electionTimer, this.deadline - this.ctx.now);
    }
  }

  private onElectionTimer(): void {
    if (this.ctx.now !== this.timerAt) return; // superseded by an earlier timer
    if (this.ctx.now < this.deadline) {
      this.timerAt = this.deadline;
      this.ctx.schedule(this.electionTimer, this.deadline - this.ctx.now);
      return;
    }
    this.timerAt = Infinity;
    if (this.role === LEADER_ROLE) return;
    this.elections.value++;
    this.role = CANDIDATE;
    this.leader = -1;
    this.grants = 0;
    this.selfVote = false;
    this.store.setTerm(this.store.term + 1, this.params.index);
    this.selfVoteNeed = this.store.covering;
    this.store.flush();
    const s = this.store;
    const rv: RequestVote = { term: s.term, lastIndex: s.last, lastTerm: s.terms[s.last]! };
    for (const peer of this.peers) peer?.send(REQUEST_VOTE, rv);
    this.resetElection();
    this.checkWon();
  }

  private onRequestVote(from: number, rv: RequestVote): void {
    const s = this.store;
    if (rv.term > s.term) this.stepDown(rv.term);
    const upToDate = rv.lastTerm > s.terms[s.last]! || (rv.lastTerm === s.terms[s.last]! && rv.lastIndex >= s.last);
    if (rv.term === s.term && (s.vote === -1 || s.vote === from) && upToDate) {
      if (s.vote !== from) s.setTerm(s.term, from);
      this.resetElection();
      this.defer(from, VOTE, { term: s.term, granted: 1 });
    } else this.peers[from]!.send(VOTE, { term: s.term, granted: 0 } satisfies Vote);
    s.flush();
  }

  private onVote(from: number, v: Vote): void {
    if (v.term > this.store.term) {
      this.stepDown(v.term);
      this.store.flush();
      return;
    }
    if (this.role !== CANDIDATE || v.term !== this.store.term || !v.granted) return;
    this.grants |= 1 << from;
    this.checkWon();
  }

  private checkWon(): void {
    if (this.role !== CANDIDATE || !this.selfVote) return;
    let votes = 1;
    for (let g = this.grants; g !== 0; g &= g - 1) votes++;
    if (votes >= this.majority) this.becomeLeader();
  }

  private becomeLeader(): void {
    const s = this.store;
    this.role = LEADER_ROLE;
    this.leader = this.params.index;
    this.won.value++;
    (this.heardLeader ? this.electionTime : this.electionTimeCold).add(this.ctx.now - this.heardAt);
    if (this.observer.connected) this.observer.send(LEADER, { node: this.params.index, term: s.term, from: 1, terms: s.terms.slice(1), ids: s.ids.slice(1) } satisfies Report);
    for (let j = 0; j < this.peers.length; j++) {
      this.next[j] = s.last + 1;
      this.match[j] = 0;
      this.inflight[j] = 0;
      this.lastSent[j] = -Infinity;
    }
    this.selfMatch = 0;
    // A no-op of its own term: entries of earlier terms commit only with one of the current term.
    s.append(s.term, NOOP, -1);
    s.flush();
    this.replicateAll();
    this.heartbeatGen++;
    this.ctx.schedule(this.heartbeatTimer, this.params.heartbeat, this.heartbeatGen);
  }

  /** A higher term was seen: follow it, with no vote yet. */
  private stepDown(term: number): void {
    if (term > this.store.term) this.store.setTerm(term, -1);
    if (this.role === LEADER_ROLE) this.heartbeatGen++;
    if (this.role !== FOLLOWER && this.timerAt === Infinity) this.resetElection();
    this.role = FOLLOWER;
    this.leader = -1;
  }

  // --- replication ---

  private onRequest(client: number, id: number): void {
    if (this.role !== LEADER_ROLE) {
      this.clientPorts[client]!.send(-1 - id, { leader: this.leader });
      return;
    }
    this.store.append(this.store.term, entryId(client, id), this.ctx.now);
    this.store.flush();
    this.replicateAll();
  }

  private replicateAll(): void {
    for (let j = 0; j < this.peers.length; j++) if (this.peers[j]) this.replicate(j, false);
  }

  /** Sends entries the follower lacks, within the pipeline; or, if `heartbeat`, at least an empty AppendEntries. */
  private replicate(j: number, heartbeat: boolean): void {
    const s = this.store;
    const from = this.next[j]!;
    const canSend = this.inflight[j]! < this.params.pipeline && from <= s.last;
    if (!canSend && !heartbeat) return;
    const to = canSend ? Math.min(s.last, from + this.params.batch - 1) : from - 1;
    const ae: Append = { term: s.term, prev: from - 1, prevTerm: s.terms[from - 1]!, commit: this.commit, terms: s.terms.slice(from, to + 1), ids: s.ids.slice(from, to + 1) };
    if (canSend) {
      this.next[j] = to + 1;
      this.inflight[j]!++;
    }
    this.lastSent[j] = this.ctx.now;
    this.peers[j]!.send(APPEND, ae);
  }

  private onHeartbeat(gen: number): void {
    if (gen !== this.heartbeatGen || this.role !== LEADER_ROLE) return;
    const hb = this.params.heartbeat;
    for (let j = 0; j < this.peers.length; j++) if (this.peers[j] && this.ctx.now - this.lastSent[j]! >= hb) this.replicate(j, true);
    this.ctx.schedule(this.heartbeatTimer, hb, gen);
  }

  private onAppend(from: number, ae: Append): void {
    const s = this.store;
    const n = ae.terms.length;
    if (ae.term < s.term) {
      this.peers[from]!.send(APPEND_REPLY, { term: s.term, success: 0, match: 0, n } satisfies AppendReply);
      return;
    }
    if (ae.term > s.term || this.role !== FOLLOWER) this.stepDown(ae.term);
    this.leader = from;
    this.heardLeader = true;
    this.heardAt = this.ctx.now;
    this.resetElection();
    if (ae.prev > s.last || s.terms[ae.prev] !== ae.prevTerm) {
      // Where to try next: before the conflicting term's first entry here, or our last entry.
      let hint = Math.min(s.last, ae.prev - 1);
      if (ae.prev <= s.last) {
        const t = s.terms[ae.prev]!;
        while (hint > 0 && s.terms[hint] === t) hint--;
      }
      this.peers[from]!.send(APPEND_REPLY, { term: s.term, success: 0, match: hint, n } satisfies AppendReply);
      s.flush();
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = ae.prev + 1 + k;
      if (i <= s.last) {
        if (s.terms[i] === ae.terms[k]) continue;
        s.truncate(i);
      }
      s.append(ae.terms[k]!, ae.ids[k]!, -1);
    }
    const matched = ae.prev + n;
    const commit = Math.min(ae.commit, matched);
    if (commit > this.commit) this.advanceTo(commit);
    this.defer(from, APPEND_REPLY, { term: s.term, success: 1, match: matched, n });
    s.flush();
  }

  private onAppendReply(from: number, r: AppendReply): void {
    if (r.term > this.store.term) {
      this.stepDown(r.term);
      this.store.flush();
      return;
    }
    if (this.role !== LEADER_ROLE || r.term !== this.store.term) return;
    if (r.n > 0 && this.inflight[from]! > 0) this.inflight[from]!--;
    if (r.success) {
      if (r.match > this.match[from]!) {
        this.match[from] = r.match;
        this.advanceCommit();
      }
      if (this.next[from]! <= r.match) this.next[from] = r.match + 1;
      // Everything sent is acknowledged: entries still counted in flight were lost on the way.
      if (r.match >= this.next[from]! - 1) this.inflight[from] = 0;
    } else {
      this.next[from] = Math.max(1, Math.min(this.next[from]!, r.match + 1));
      this.inflight[from] = 0;
    }
    this.replicate(from, false);
  }

  /** The largest index on a majority's disks (the leader's own included) with an entry of this term commits. */
  private advanceCommit(): void {
    const s = this.store;
    const m: number[] = [this.selfMatch];
    for (let j = 0; j < this.peers.length; j++) if (this.peers[j]) m.push(this.match[j]!);
    m.sort((a, b) => b - a);
    const n = m[this.majority - 1]!;
    if (n > this.commit && s.terms[n] === s.term) {
      if (this.observer.connected) this.observer.send(COMMITTED, { node: this.params.index, term: s.term, from: this.commit + 1, terms: s.terms.slice(this.commit + 1, n + 1), ids: s.ids.slice(this.commit + 1, n + 1) } satisfies Report);
      this.advanceTo(n);
    }
  }

  /** Commits and applies up to `n`; the leader answers the clients. */
  private advanceTo(n: number): void {
    const s = this.store;
    this.commit = n;
    const from = this.applied + 1;
    const leading = this.role === LEADER_ROLE;
    for (let i = from; i <= n; i++) {
      const id = s.ids[i]!;
      if (leading && id !== NOOP) {
        const at = s.at[i]!;
        if (at >= 0) {
          this.commitLatency.add(this.ctx.now - at);
          this.commitLatencyQ.add(this.ctx.now - at);
        }
        this.clientPorts[entryClient(id)]?.send(entryRequest(id));
      }
    }
    this.appliedCount.value += n - this.applied;
    this.applied = n;
    if (this.observer.connected && n >= from) this.observer.send(APPLIED, { node: this.params.index, term: s.term, from, terms: s.terms.slice(from, n + 1), ids: s.ids.slice(from, n + 1) } satisfies Report);
  }

  // --- durability ---

  private defer(peer: number, type: number, ref: Vote | AppendReply): void {
    this.deferred.push({ need: this.store.covering, peer, type, ref });
  }

  private onDurable(): void {
    const s = this.store;
    if (this.deferred.length > 0) {
      let k = 0;
      for (const d of this.deferred) {
        // Said only in the term it was meant for: a later term may have replaced the entries it acknowledges.
        if (d.need > s.done) this.deferred[k++] = d;
        else if (d.ref.term === s.term) this.peers[d.peer]!.send(d.type, d.ref);
      }
      this.deferred.length = k;
    }
    if (this.role === CANDIDATE && !this.selfVote && s.done >= this.selfVoteNeed) {
      this.selfVote = true;
      this.checkWon();
    } else if (this.role === LEADER_ROLE && s.durableLast > this.selfMatch) {
      this.selfMatch = s.durableLast;
      this.advanceCommit();
    }
  }

  private onPeer(from: number, type: number, ref: unknown): void {
    if (type === APPEND) this.onAppend(from, ref as Append);
    else if (type === APPEND_REPLY) this.onAppendReply(from, ref as AppendReply);
    else if (type === REQUEST_VOTE) this.onRequestVote(from, ref as RequestVote);
    else if (type === VOTE) this.onVote(from, ref as Vote);
  }
}
