/** The ns-3 side of the harness: writes the scenario's spec, runs sim.cc's binary on it, reads its figures. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { System } from '@splitsim/system';
import type { Outcome } from './ours.ts';
import { specText } from './spec.ts';

interface Ns3Json {
  ns3: string;
  wall: number;
  drops: number;
  hostDrops: number;
  marks: number;
  flows: Array<{ kind: 'tcp' | 'udp'; bytes: number; fct: number | null; timeouts: number }>;
}

export function runNs3(binary: string, system: System, until: number): Outcome & { version: string } {
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-ns3-'));
  try {
    const spec = join(dir, 'scenario.spec');
    writeFileSync(spec, specText(system, until));
    const out = execFileSync(binary, [spec], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const j = JSON.parse(out.trim().split('\n').pop()!) as Ns3Json;
    return {
      version: j.ns3,
      tcp: j.flows.filter((f) => f.kind === 'tcp').map((f) => ({ bytes: f.bytes, fct: f.fct })),
      udpBytes: j.flows.filter((f) => f.kind === 'udp').reduce((s, f) => s + f.bytes, 0),
      drops: j.drops,
      hostDrops: j.hostDrops,
      marks: j.marks,
      timeouts: j.flows.reduce((n, f) => n + f.timeouts, 0),
      wall: j.wall,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
