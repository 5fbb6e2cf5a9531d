/**
 * A scenario as the ns-3 side reads it (sim.cc): the system's hosts, switches and links, the
 * switches' buffer, marking threshold and ECMP mode, the hosts' TCP settings and their TCP and UDP
 * applications, one line each. Written from the very System our side runs, so both simulate the
 * same thing.
 */
import type { System } from '@splitsim/system';

export interface SpecFlow {
  kind: 'tcp' | 'udp';
  src: string;
  dst: string;
  /** ps */
  start: number;
  /** TCP: bytes to send (0: unlimited). */
  bytes: number;
  /** UDP: payload bits per second and payload bytes per packet. */
  rate: number;
  size: number;
}

export function flowsOf(system: System): SpecFlow[] {
  const resolved = system.resolve();
  const flows: SpecFlow[] = [];
  for (const c of system.components) {
    if (c.kind !== 'host') continue;
    for (const app of (resolved.params[c.id]!.apps ?? []) as Array<Record<string, unknown>>) {
      if (app.type === 'tcp-bulk') flows.push({ kind: 'tcp', src: c.path, dst: app.dst as string, start: app.start as number, bytes: (app.bytes as number | undefined) ?? 0, rate: 0, size: 0 });
      else if (app.type === 'udp-cbr') flows.push({ kind: 'udp', src: c.path, dst: app.dst as string, start: app.start as number, bytes: 0, rate: app.rate as number, size: app.size as number });
      else if (app.type !== 'tcp-sink' && app.type !== 'udp-sink') throw new Error(`${c.path}: the ns-3 side has no ${String(app.type)}`);
    }
  }
  return flows;
}

/** The spec text for `system` run to `until` ps. Names lose their slashes (ns-3 side names are single words). */
export function specText(system: System, until: number): string {
  const resolved = system.resolve();
  const name = (path: string) => path.replace(/\//g, '.');
  const lines = [`until ${until}`];
  const sw = system.components.find((c) => c.kind === 'switch')!;
  const sp = resolved.params[sw.id]! as { buffer: { size: number }; ecnThreshold?: { size: number } };
  lines.push(`buffer ${sp.buffer.size}`, `ecn ${sp.ecnThreshold?.size ?? 0}`, `ecmp ${(sw.params.ecmp as string | undefined) ?? 'flow'}`);
  const flows = flowsOf(system);
  const host = system.components.find((c) => c.kind === 'host')!;
  const tcp = (host.params.tcp ?? {}) as { ackEvery?: number; mss?: number };
  const apps = system.components.flatMap((c) => ((c.params.apps ?? []) as Array<{ type: string; congestion?: string }>));
  const cc = apps.find((a) => a.type === 'tcp-bulk')?.congestion ?? 'reno';
  lines.push(`cc ${cc}`, `mss ${tcp.mss ?? 1448}`, `ackevery ${tcp.ackEvery ?? 1}`);
  for (const c of system.components) lines.push(`node ${name(c.path)} ${c.kind}`);
  for (const l of system.links) {
    const a = system.components[l.a.component]!;
    const b = system.components[l.b.component]!;
    lines.push(`link ${name(a.path)} ${name(b.path)} ${l.bandwidth} ${l.latency}`);
  }
  for (const f of flows) {
    lines.push(f.kind === 'tcp' ? `tcp ${name(f.src)} ${name(f.dst)} ${f.start} ${f.bytes}` : `udp ${name(f.src)} ${name(f.dst)} ${f.start} ${f.rate} ${f.size}`);
  }
  return lines.join('\n') + '\n';
}
