import { Component, defineSpec, z } from 'splitsim';
import { COMMITTED, LEADER, type Report } from './messages.ts';

const params = z.object({ nodes: z.number().int().min(1) }).strict();

type Params = z.output<typeof params>;

/**
 * Checks Raft's safety properties over a whole run from what the servers report (each server's
 * `observer` port linked to its `node<i>`):
 *
 * - Election Safety: at most one leader per term (`twoLeaders` counts terms with a second);
 * - State Machine Safety: no two servers commit or apply different entries at one index
 *   (`conflicts`);
 * - Leader Completeness: every entry committed in a term is in the log of every leader of a later
 *   term, at its index, when that leader won (`lost`; checked at the end, when every report is in).
 *
 * Reports cross links with latency, so the checks that compare reports wait for the end of the
 * run. The figures count violations; a correct protocol leaves them all at 0.
 */
export class RaftObserver extends Component<Params> {
  static readonly spec = defineSpec({
    model: 'observer.raft',
    kinds: ['observer'],
    description: 'checks Raft safety (one leader per term, no conflicting commits, committed entries in every later leader) from server reports',
    ports: ['node*'],
    params,
    statistics: {
      leaders: { type: 'counter', description: 'elections won (reports of a new leader)' },
      twoLeaders: { type: 'counter', description: 'terms with two leaders (must be 0)' },
      conflicts: { type: 'counter', description: 'indices where two different entries were committed or applied (must be 0)' },
      lost: { type: 'counter', description: 'committed entries missing from a later leader\'s log (must be 0)' },
      committed: { type: 'counter', description: 'the highest index committed' },
    },
  });

  private readonly leaderOf = new Map<number, number>();
  /** Logs of leaders when they won, by term. */
  private readonly leaderLogs = new Map<number, Report>();
  /** The entry known at each index (term, id), from commits and applications, and the term it was committed in. */
  private readonly terms: number[] = [0];
  private readonly ids: number[] = [0];
  private readonly committedIn: number[] = [0];
  private readonly leaders = this.ctx.stats.counter('leaders');
  private readonly twoLeaders = this.ctx.stats.counter('twoLeaders');
  private readonly conflicts = this.ctx.stats.counter('conflicts');
  private readonly lost = this.ctx.stats.counter('lost');
  private readonly committed = this.ctx.stats.counter('committed');

  constructor(...args: ConstructorParameters<typeof Component<Params>>) {
    super(...args);
    for (let i = 0; i < this.params.nodes; i++) this.ctx.port(`node${i}`, (type, ref) => this.report(type, ref as Report));
  }

  private report(type: number, r: Report): void {
    if (type === LEADER) {
      this.leaders.value++;
      const other = this.leaderOf.get(r.term);
      if (other !== undefined && other !== r.node) this.twoLeaders.value++;
      else {
        this.leaderOf.set(r.term, r.node);
        this.leaderLogs.set(r.term, r);
      }
      return;
    }
    for (let k = 0; k < r.terms.length; k++) this.record(r.from + k, r.terms[k]!, r.ids[k]!, type === COMMITTED ? r.term : Infinity);
    if (type === COMMITTED && r.from + r.terms.length - 1 > this.committed.value) this.committed.value = r.from + r.terms.length - 1;
  }

  /** Every report of index i must name the same entry; remembers the earliest term it was known committed in. */
  private record(i: number, term: number, id: number, committedIn: number): void {
    while (this.terms.length <= i) {
      this.terms.push(-1);
      this.ids.push(0);
      this.committedIn.push(Infinity);
    }
    if (this.terms[i] === -1) {
      this.terms[i] = term;
      this.ids[i] = id;
    } else if (this.terms[i] !== term || this.ids[i] !== id) this.conflicts.value++;
    if (committedIn < this.committedIn[i]!) this.committedIn[i] = committedIn;
  }

  override finish(): void {
    // Leader Completeness, with every report in: a leader of term T holds each entry committed before T.
    for (const [term, log] of this.leaderLogs) {
      for (let i = 1; i < this.terms.length; i++) {
        if (!(this.committedIn[i]! < term)) continue;
        const k = i - log.from;
        if (k >= log.terms.length || log.terms[k] !== this.terms[i] || log.ids[k] !== this.ids[i]) this.lost.value++;
      }
    }
  }
}
