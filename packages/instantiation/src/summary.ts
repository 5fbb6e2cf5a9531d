import type { Placement, Plan } from './plan.ts';

export interface InstanceSummary {
  id: number;
  name: string;
  placement: string;
  components: number;
  /** [kind, count], most first. */
  byKind: Array<[string, number]>;
  /** [model, count], most first. */
  byModel: Array<[string, number]>;
}

export interface ChannelSummary {
  id: number;
  name: string;
  links: number;
  /** Picoseconds. */
  lookahead: number;
  syncInterval: number;
  /**
   * Whether messages may flow from instance a to b, and from b to a: false where every link's
   * sending end that way is silent (the system's traffic analysis), so no promises flow that way.
   */
  carriesAB: boolean;
  carriesBA: boolean;
}

export interface PlanSummary {
  config: string;
  instantiation: string;
  instances: InstanceSummary[];
  channels: ChannelSummary[];
  totals: {
    components: number;
    byKind: Array<[string, number]>;
    links: number;
    cutLinks: number;
    instances: number;
    byPlacement: Array<[string, number]>;
    channels: number;
    /** Smallest lookahead over all channels, ps; null without channels. */
    minLookahead: number | null;
  };
}

export function placementText(p: Placement): string {
  if (p.kind === 'external') return `external:${(p.command ?? ['?']).slice(0, 2).map((a) => a.split('/').pop()).join(' ')}`;
  return p.kind === 'remote' ? `remote:${p.runner ?? '?'}` : p.kind;
}

function tally(values: Iterable<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
}

/** What `splitsim plan` prints: per instance, per channel, and totals. */
export function summarizePlan(plan: Plan): PlanSummary {
  const instances = plan.instances.map((inst) => ({
    id: inst.id,
    name: inst.name,
    placement: placementText(inst.placement),
    components: inst.components.length,
    byKind: tally(inst.components.map((id) => plan.components[id]!.kind)),
    byModel: tally(inst.components.map((id) => plan.components[id]!.model)),
  }));
  const instanceOf = new Map<number, number>();
  for (const inst of plan.instances) for (const c of inst.components) instanceOf.set(c, inst.id);
  const channels = plan.channels.map((ch) => {
    // A link may send from instance `from` unless the end it holds there is silent.
    const sends = (from: number): boolean =>
      ch.links.some((id) => {
        const l = plan.links[id]!;
        const end = instanceOf.get(l.a.component) === from ? 'a' : 'b';
        return l.silent !== 'both' && l.silent !== end;
      });
    return { id: ch.id, name: ch.name, links: ch.links.length, lookahead: ch.lookahead, syncInterval: ch.syncInterval, carriesAB: sends(ch.a), carriesBA: sends(ch.b) };
  });
  return {
    config: plan.config,
    instantiation: plan.instantiation,
    instances,
    channels,
    totals: {
      components: plan.components.length,
      byKind: tally(plan.components.map((c) => c.kind)),
      links: plan.links.length,
      cutLinks: plan.links.filter((l) => l.channel !== null).length,
      instances: plan.instances.length,
      byPlacement: tally(instances.map((i) => i.placement)),
      channels: channels.length,
      minLookahead: channels.length > 0 ? Math.min(...channels.map((c) => c.lookahead)) : null,
    },
  };
}
