import { records } from '@splitsim/channels';
import type { Plan } from '@splitsim/instantiation';
import type { ChannelSpec } from './control.ts';

/**
 * The `setup` message an external instance receives after the HELLO (docs/external-protocol.md):
 * its share of the plan as plain data. Its components with their models and checked parameters,
 * the links between them, the cut links with their channel, and each channel's socket and sync
 * settings. The program builds its models from this alone.
 */
export function setupMessage(plan: Plan, instance: number, until: number | null, profileNs: number, channels: readonly ChannelSpec[]): Record<string, unknown> {
  const inst = plan.instances[instance]!;
  const mine = new Set(inst.components);
  const components = inst.components.map((id) => {
    const c = plan.components[id]!;
    return { id: c.id, path: c.path, kind: c.kind, model: c.model, params: c.params };
  });
  const local: unknown[] = [];
  const cut: unknown[] = [];
  for (const l of plan.links) {
    const aHere = mine.has(l.a.component);
    const bHere = mine.has(l.b.component);
    if (aHere && bHere) local.push({ link: l.id, a: l.a, b: l.b, latency: l.latency });
    else if (aHere || bHere) {
      const end = aHere ? l.a : l.b;
      const side = aHere ? 'a' : 'b';
      const other = aHere ? 'b' : 'a';
      cut.push({
        link: l.id, component: end.component, port: end.port, latency: l.latency, channel: l.channel,
        silent: l.silent === 'both' || l.silent === side,
        peerSilent: l.silent === 'both' || l.silent === other,
      });
    }
  }
  const chans = channels.map((s) => {
    const ch = plan.channels[s.channel]!;
    if (s.transport !== 'socket') throw new Error(`channel ${ch.name}: an external instance needs a socket channel`);
    const peer = plan.instances[ch.a === instance ? ch.b : ch.a]!.name;
    return { id: ch.id, name: ch.name, peer, lookahead: ch.lookahead, syncInterval: ch.syncInterval, path: s.path, listen: s.listen };
  });
  return {
    type: 'setup', protocol: records.PROTOCOL_VERSION, instance: { id: inst.id, name: inst.name }, seed: plan.seed, until, profileNs,
    components, links: local, cut, channels: chans,
  };
}
