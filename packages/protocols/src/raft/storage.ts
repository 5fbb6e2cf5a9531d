import type { Context } from 'splitsim';

/** What one disk write carries: the term and vote, and the log from index `from` on. */
interface Write {
  term: number;
  vote: number;
  from: number;
  terms: number[];
  ids: number[];
}

/**
 * A Raft server's persistent state (current term, vote, log) twice: in memory, where the server
 * changes it, and on its disk, which is what survives a crash. The disk is one device that
 * writes one batch at a time, each taking `persist` ps: a write carries every change made since
 * the previous one started (group commit), so under load one write covers many entries.
 * Handlers change memory, then call flush(); what must not be said before it is durable (a vote,
 * an acknowledgement) waits for the write number `covering` gave at the time.
 */
export class Storage {
  term = 0;
  vote = -1;
  /** Index 0 is a sentinel (term 0); entries are 1 … last. */
  readonly terms: number[] = [0];
  readonly ids: number[] = [0];
  /** When this server appended the entry as leader (ps), or -1: for commit latency. */
  readonly at: number[] = [-1];

  private dTerm = 0;
  private dVote = -1;
  private dTerms: number[] = [0];
  private dIds: number[] = [0];

  private changed = false;
  private dirtyFrom = Infinity;
  private writing: Write | null = null;
  /** Writes started and completed; a change made now is durable once `done` reaches `covering`. */
  private started = 0;
  done = 0;
  covering = 0;
  private readonly timer: number;

  constructor(
    private readonly ctx: Context,
    private readonly persist: number,
    /** Called after each write completes. */
    onDurable: () => void,
    private readonly writes: { value: number },
  ) {
    this.timer = ctx.timer(() => {
      this.complete();
      onDurable();
    });
  }

  get last(): number {
    return this.terms.length - 1;
  }

  /** Entries on disk (what survives a crash). */
  get durableLast(): number {
    return this.dTerms.length - 1;
  }

  setTerm(term: number, vote: number): void {
    this.term = term;
    this.vote = vote;
    this.mark(Infinity);
  }

  append(term: number, id: number, at: number): void {
    this.terms.push(term);
    this.ids.push(id);
    this.at.push(at);
    this.mark(this.terms.length - 1);
  }

  /** Drops the entries from `from` on. */
  truncate(from: number): void {
    this.terms.length = from;
    this.ids.length = from;
    this.at.length = from;
    this.mark(from);
  }

  /** Starts a write of what changed, unless one is under way (then the next one takes it). */
  flush(): void {
    if (this.changed && this.writing === null) this.start();
  }

  /** After a crash: memory is what the disk holds; a write under way is lost. */
  restore(): void {
    this.term = this.dTerm;
    this.vote = this.dVote;
    this.terms.length = 0;
    this.ids.length = 0;
    this.at.length = 0;
    for (let i = 0; i < this.dTerms.length; i++) {
      this.terms.push(this.dTerms[i]!);
      this.ids.push(this.dIds[i]!);
      this.at.push(-1);
    }
    this.changed = false;
    this.dirtyFrom = Infinity;
    this.writing = null;
    this.started = this.done;
    this.covering = this.done;
  }

  private mark(from: number): void {
    this.changed = true;
    if (from < this.dirtyFrom) this.dirtyFrom = from;
    this.covering = this.started + 1;
  }

  private start(): void {
    const from = Math.min(this.dirtyFrom, this.terms.length);
    this.writing = { term: this.term, vote: this.vote, from, terms: this.terms.slice(from), ids: this.ids.slice(from) };
    this.changed = false;
    this.dirtyFrom = Infinity;
    this.started++;
    this.writes.value++;
    this.ctx.schedule(this.timer, this.persist);
  }

  private complete(): void {
    const w = this.writing!;
    this.dTerm = w.term;
    this.dVote = w.vote;
    this.dTerms.length = w.from;
    this.dIds.length = w.from;
    for (let i = 0; i < w.terms.length; i++) {
      this.dTerms.push(w.terms[i]!);
      this.dIds.push(w.ids[i]!);
    }
    this.writing = null;
    this.done++;
    if (this.changed) this.start();
  }
}
