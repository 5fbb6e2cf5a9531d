/**
 * Builds the ns-3 side of the harness (sim.cc) against Debian's libns3-dev, once per source
 * version, into node_modules/.cache/splitsim-ns3/. Where pkg-config does not know ns-3 it says
 * so and builds nothing: the harness then runs our side alone. Nothing else needs ns-3.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MODULES = ['ns3-core', 'ns3-network', 'ns3-internet', 'ns3-point-to-point', 'ns3-applications', 'ns3-traffic-control'];

export type Ns3Build = { binary: string; version: string } | { missing: string };

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function buildNs3(): Ns3Build {
  let version: string;
  let cflags: string;
  try {
    version = run('pkg-config', ['--modversion', 'ns3-core']);
    cflags = run('pkg-config', ['--cflags', ...MODULES]);
  } catch {
    return { missing: 'ns-3 not found by pkg-config (install Debian’s libns3-dev to compare with ns-3)' };
  }
  const source = join(here, 'sim.cc');
  const key = createHash('sha256').update(readFileSync(source)).update(version).digest('hex').slice(0, 12);
  const dir = join(here, '..', '..', 'node_modules', '.cache', 'splitsim-ns3');
  const binary = join(dir, `sim-${key}`);
  if (existsSync(binary)) return { binary, version };
  mkdirSync(dir, { recursive: true });
  // Link the ns-3 libraries by name: Debian's ns3 .pc files also name libgsl.so, which only
  // libgsl-dev installs and which the shared ns-3 libraries already pull in themselves.
  const libs = MODULES.map((m) => `-l${m}`);
  try {
    run('g++', ['-O2', '-std=c++17', ...cflags.split(/\s+/).filter(Boolean), `-DNS3_VERSION="${version}"`, '-o', binary, source, ...libs]);
  } catch (err) {
    return { missing: `building bench/ns3/sim.cc failed: ${(err as { stderr?: string }).stderr ?? String(err)}` };
  }
  return { binary, version };
}
