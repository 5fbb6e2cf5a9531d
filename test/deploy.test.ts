/**
 * The deployment files, checked statically (no Docker engine or cluster runs here): the compose
 * file against the compose specification's schema and, where installed, `docker-compose config`;
 * every Kubernetes object against the API's schemas and field names; the Dockerfile's COPY
 * sources against the checkout. Then the compose arrangement itself with real processes: three
 * runners and a coordinator started with the arguments the compose file gives them (only the
 * addresses, the token file, the project and the run folder are this machine's), on a smaller
 * datacenter, its metrics.json byte-identical to the same plan on one machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeProblems, dockerfileProblems, k8sFieldProblems, k8sSchemaProblems, yamlDocuments } from './support/deploy-checks.ts';
import { BIN, coordinator, ROOT, RunnerProc, settledStatus, tokenFile } from './support/runners.ts';

type Service = { command: string[] };
type Container = { args?: string[] };
const compose = yamlDocuments(join(ROOT, 'docker-compose.yml'))[0]! as { services: Record<string, Service> };
const k8sDir = join(ROOT, 'deploy/kubernetes');
const k8s = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => yamlDocuments(join(k8sDir, f))) as Array<{ apiVersion: string; kind: string; metadata?: { name?: string }; spec?: object }>;

/** Replaces the value after each flag. */
function withFlags(args: readonly string[], values: Record<string, string>): string[] {
  return args.map((a, i) => (i > 0 && args[i - 1]! in values ? values[args[i - 1]!]! : a));
}

test('docker-compose.yml: valid under the compose specification (and docker-compose config where installed)', () => {
  assert.deepEqual(composeProblems(compose), []);
  // The schema check catches a misspelt key.
  assert.match(composeProblems({ services: { a: { image: 'x', comand: ['y'] } } }).join('\n'), /comand/);
  const dc = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (dc.error) {
    console.log('# docker-compose is not installed: the compose schema check alone ran (.ci/run installs it)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'splitsim-compose-'));
  copyFileSync(join(ROOT, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
  writeFileSync(join(dir, 'splitsim-token'), 'x'.repeat(32));
  const r = spawnSync('docker-compose', ['config', '--services'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['coordinator', 'runner-a', 'runner-b', 'runner-c']);
});

test('deploy/kubernetes: every object valid against the API schemas, no unknown field, the arrangement of the compose file', async () => {
  assert.deepEqual(k8s.map((o) => `${o.kind}/${o.metadata?.name}`), [
    'PersistentVolumeClaim/splitsim-runs', 'Job/splitsim-coordinator', 'Service/splitsim-runner', 'StatefulSet/splitsim-runner',
    'Job/splitsim-sweep', 'Job/splitsim-sweep-merge', 'Secret/splitsim-token',
  ]);
  assert.deepEqual(await k8sSchemaProblems(k8s), []);
  assert.deepEqual(k8sFieldProblems(k8s, ROOT), []);
  // Both checks bite: a wrong type, and a misspelt field.
  const ss = k8s.find((o) => o.kind === 'StatefulSet')!;
  assert.match((await k8sSchemaProblems([{ ...ss, spec: { ...ss.spec, replicas: 'three' } }])).join(), /replicas must be integer/);
  assert.match(k8sFieldProblems([{ ...ss, spec: { ...ss.spec, replica: 3 } }], ROOT).join(), /"replica"' does not exist in type 'IStatefulSetSpec'/);

  // The coordinator Job runs what the compose coordinator runs, on the StatefulSet's stable names.
  const job = k8s.find((o) => o.metadata?.name === 'splitsim-coordinator') as unknown as { spec: { template: { spec: { containers: Container[] } } } };
  const names = { '--runners': 'a=splitsim-runner-0.splitsim-runner:7070,b=splitsim-runner-1.splitsim-runner:7070,c=splitsim-runner-2.splitsim-runner:7070', '--token-file': '/run/secrets/splitsim/token' };
  assert.deepEqual(job.spec.template.spec.containers[0]!.args, withFlags(compose.services.coordinator!.command, names));
  const runner = (ss as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!;
  assert.deepEqual(runner.args, withFlags(compose.services['runner-a']!.command, { '--token-file': '/run/secrets/splitsim/token' }));
});

test('Dockerfile: every COPY source is in the checkout and the build context, every workspace manifest copied, the entry point there', () => {
  const { problems, sources, entrypoint } = dockerfileProblems(ROOT);
  assert.deepEqual(problems, []);
  const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  for (const w of workspaces) assert.ok(sources.includes(`${w}/package.json`), `the Dockerfile copies ${w}/package.json before npm ci`);
  assert.deepEqual(entrypoint.slice(0, 2), ['node', 'packages/splitsim/bin/splitsim.js']);
});

test('the compose arrangement with real processes: three runners, the coordinator\'s arguments, metrics.json as on one machine', async () => {
  const token = tokenFile();
  const out = mkdtempSync(join(tmpdir(), 'splitsim-deploy-'));
  const local = { '--token-file': token.file, '--project': ROOT };
  const runners = await Promise.all(['a', 'b', 'c'].map(async (name) => {
    const args = withFlags(compose.services[`runner-${name}`]!.command, { ...local, '--listen': '127.0.0.1:0' });
    const r = new RunnerProc(name, '127.0.0.1', [process.execPath, BIN, ...args]);
    await r.ready();
    return r;
  }));
  try {
    const list = runners.map((r) => `${r.name}=${r.address}`).join(',');
    // Smaller than the compose run (five blocks of two racks of four hosts, 100 µs), same plan shape.
    // A loaded test machine can stall a runner past the default 1.2 s of heartbeat silence while
    // it loads the modules (as test/distributed.test.ts, faults aside): this run is not about that.
    const small = ['--set', 'racksPerBlock=2', '--set', 'hostsPerRack=4', '--set', 'detailedHosts=2', '--until', '100us', '--runner-timeout', '10s', '--quiet'];
    const args = withFlags(compose.services.coordinator!.command, { ...local, '--runners': list, '--out': join(out, 'remote') }).slice(1);
    const remote = coordinator([...args, ...small]);
    const one = coordinator([...withFlags(args, { '--out': join(out, 'local') }).filter((a, i, all) => a !== '--runners' && all[i - 1] !== '--runners' && a !== '--token-file' && all[i - 1] !== '--token-file'), ...small, '--placement', 'thread']);
    const [r, l] = await Promise.all([remote.done, one.done]);
    assert.equal(r.code, 0, remote.stderr);
    assert.equal(l.code, 0, one.stderr);
    assert.ok(readFileSync(join(out, 'remote', 'metrics.json')).equals(readFileSync(join(out, 'local', 'metrics.json'))), 'metrics.json differs from the one-machine run');
    const plan = JSON.parse(readFileSync(join(out, 'remote', 'plan.json'), 'utf8')) as { instances: Array<{ placement: { runner?: string } }> };
    assert.deepEqual([...new Set(plan.instances.map((i) => i.placement.runner))].sort(), ['a', 'b', 'c']);
    for (const r of runners) assert.deepEqual(await settledStatus(r.address, token.token).then((s) => [s.runs, s.instances]), [0, 0]);
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }
});
