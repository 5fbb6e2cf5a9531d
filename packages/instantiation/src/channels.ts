import { formatTime, parseTime } from '@splitsim/kernel';
import type { LinkKind, Silence, System } from '@splitsim/system';
import type { PlanChannel, PlanLink } from './plan.ts';
import type { Group } from './partitions/types.ts';
import type { PlanProblem } from './problems.ts';

/** What a per-channel sync setting sees. */
export interface ChannelInfo {
  name: string;
  /** Names of the two instances. */
  a: string;
  b: string;
  /** Picoseconds. */
  lookahead: number;
  links: number;
}

/**
 * Longest silence on a channel before a sync message: one time for every channel, or a choice
 * per channel. Default, and never above: the channel's lookahead.
 */
export type SyncChoice = string | number | ((channel: ChannelInfo) => string | number | undefined);

/**
 * Plan links and the channels that carry the cut ones: one channel per pair of instances with
 * cut links between them, its lookahead the smallest latency among them. A cut link must have a
 * latency and must not be marked noCut.
 */
export function buildChannels(
  system: System,
  groups: readonly Group[],
  instanceOf: Int32Array,
  linkKinds: ReadonlyArray<LinkKind | undefined>,
  silent: ReadonlyArray<Silence | null>,
  sync: SyncChoice | undefined,
  problems: PlanProblem[],
): { links: PlanLink[]; channels: PlanChannel[] } {
  const channels: PlanChannel[] = [];
  const channelOf = new Map<number, PlanChannel>();
  const pairs = groups.length;
  const links = system.links.map((l): PlanLink => {
    const ia = instanceOf[l.a.component] ?? -1;
    const ib = instanceOf[l.b.component] ?? -1;
    let channel: number | null = null;
    if (ia !== ib && ia >= 0 && ib >= 0 && !system.isUnreadable(l.id)) {
      const where = `link ${system.linkName(l)}`;
      const between = `the partition puts its ends in ${groups[ia]!.name} and ${groups[ib]!.name}`;
      if (l.noCut) problems.push({ where, message: `is marked noCut but ${between}; put both ends in one instance` });
      else if (l.latency === 0) problems.push({ where, message: `has zero latency, so it cannot be cut (no lookahead), but ${between}; put both ends in one instance or give the link a latency` });
      const lo = Math.min(ia, ib);
      const hi = Math.max(ia, ib);
      let ch = channelOf.get(lo * pairs + hi);
      if (!ch) {
        ch = { id: channels.length, name: `${groups[lo]!.name}↔${groups[hi]!.name}`, a: lo, b: hi, links: [], lookahead: l.latency, syncInterval: 0 };
        channels.push(ch);
        channelOf.set(lo * pairs + hi, ch);
      }
      ch.links.push(l.id);
      ch.lookahead = Math.min(ch.lookahead, l.latency);
      channel = ch.id;
    }
    const link: PlanLink = { id: l.id, a: { ...l.a }, b: { ...l.b }, latency: l.latency, noCut: l.noCut, channel };
    if (l.bandwidth !== undefined) link.bandwidth = l.bandwidth;
    const kind = linkKinds[l.id];
    if (kind !== undefined) link.kind = kind;
    const quiet = silent[l.id];
    if (quiet) link.silent = quiet;
    return link;
  });
  for (const ch of channels) ch.syncInterval = syncInterval(ch, groups, sync, problems);
  return { links, channels };
}

function syncInterval(ch: PlanChannel, groups: readonly Group[], sync: SyncChoice | undefined, problems: PlanProblem[]): number {
  const where = `channel ${ch.name}`;
  let choice: string | number | undefined;
  try {
    choice = typeof sync === 'function' ? sync({ name: ch.name, a: groups[ch.a]!.name, b: groups[ch.b]!.name, lookahead: ch.lookahead, links: ch.links.length }) : sync;
  } catch (err) {
    problems.push({ where, message: `syncInterval() failed: ${(err as Error)?.message ?? 'error'}` });
    return ch.lookahead;
  }
  // A zero-lookahead channel is already reported through its links.
  if (choice === undefined || ch.lookahead === 0) return ch.lookahead;
  let interval: number;
  try {
    interval = parseTime(choice, 'syncInterval');
  } catch (err) {
    problems.push({ where, message: (err as Error).message });
    return ch.lookahead;
  }
  if (interval === 0) problems.push({ where, message: 'syncInterval 0 would send a sync message at every step; give a positive time no larger than the lookahead, or leave it out' });
  else if (interval > ch.lookahead) {
    problems.push({ where, message: `syncInterval ${formatTime(interval)} is above the channel's lookahead ${formatTime(ch.lookahead)}; lower it to at most ${formatTime(ch.lookahead)} or leave it out (default: the lookahead)` });
  }
  return Math.min(interval, ch.lookahead);
}
