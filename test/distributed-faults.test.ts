/**
 * Faults of a distributed run, a few trials of each (scripts/stress-distributed.sh runs fifty):
 * a runner killed mid-run, its network cut, SIGINT to the coordinator, a runner restarted during
 * the run. Each must end the run with the documented exit code and a message naming the runner,
 * keep the run directory's files, and leave no run and no instance on any runner. The time from
 * the fault to the coordinator's exit is printed (docs/distributed.md holds the stress figures);
 * it is not asserted, since a loaded machine stretches it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testNet, type TestNet } from './support/netns.ts';
import { tokenFile } from './support/runners.ts';
import { cluster, EXPECTED, FAULTS, trial, type Cluster } from './support/faults.ts';

const TRIALS = 2;
let net: TestNet;
let c: Cluster;

before(async () => {
  net = await testNet(3);
  c = await cluster(net, tokenFile());
});

after(async () => {
  await Promise.all(c.runners.map((r) => r.stop()));
  net.close();
});

for (const fault of FAULTS) {
  test(`fault: ${fault} (${TRIALS} trials)`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const r = await trial(c, fault);
      console.log(`# ${fault} (${net.mode}${net.why ? `: ${net.why}` : ''}): exit ${r.code} ${r.ms.toFixed(0)} ms after the fault`);
      const want = EXPECTED[fault];
      assert.equal(r.code, want.code, r.stderr);
      assert.match(r.stderr, want.message);
      assert.deepEqual(r.kept.filter((f) => f !== 'metrics.json'), ['plan.json', 'run.json', 'run.log'], `${fault}: the run directory keeps its files`);
      assert.equal(r.status, fault === 'sigint' ? 'interrupted' : 'failed');
      if (fault === 'sigint') assert.ok(r.kept.includes('metrics.json'), 'an interrupt keeps the statistics every instance reported');
      r.after.forEach((s, k) => assert.deepEqual({ runs: s.runs, instances: s.instances }, { runs: 0, instances: 0 }, `runner ${'abc'[k]} still serves something after ${fault}`));
    }
  });
}
