/**
 * An instance on a runner reports progress at the coordinator's interval (progressMs), as its
 * thread and process instances do, rather than at the runner's default of once a second.
 *
 * The check does not depend on the machine's speed. With an interval of 0 an instance reports
 * progress at each of its periodic checks, and it makes one every 16 slices of at most 256 events
 * (instance-loop.ts): at least one report per 4096 events, however long the run takes. The bound
 * below is four times looser than that. Had the runner kept its 1 s interval, the run would need
 * more than a minute of wall time to reach the bound (it takes well under a second).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { instantiate, type Plan } from '@splitsim/instantiation';
import { runPlan, startRunner, type Runner } from '@splitsim/runtime';
import mmc from '../configs/mmc.ts';

const token = randomBytes(24).toString('hex');
const runnerLog: string[] = [];
let runner: Runner;

before(async () => {
  runner = await startRunner({ host: '127.0.0.1', port: 0, token, project: join(import.meta.dirname, '..'), maxRuns: 1, channelPorts: [0], log: (l) => runnerLog.push(l), version: 'test' });
});

after(async () => {
  await runner.close();
});

/** The M/M/c queue in one instance, placed on runner a. */
function remotePlan(jobs: number): Plan {
  const p = mmc.params.parse({ jobs });
  const system = mmc.system(p);
  const plan = instantiate(system, mmc.instantiations.single!(system, p), { config: 'mmc', instantiation: 'single', seed: 1 });
  return { ...plan, instances: plan.instances.map((i) => ({ ...i, placement: { kind: 'remote' as const, runner: 'a' } })) };
}

test('a remote instance reports progress at the interval the coordinator asks for', async () => {
  let reports = 0;
  const outcome = await runPlan(remotePlan(300_000), {
    runners: { list: [{ name: 'a', host: '127.0.0.1', port: runner.port }], token, lostAfterMs: 10_000 },
    // 0: the orchestrator passes on every progress report it gets, and this run has only the remote instance.
    progressMs: 0,
    progress: () => reports++,
  });
  assert.equal(outcome.status, 'completed', `${outcome.log.join('\n')}\n${runnerLog.join('\n')}`);
  const events = outcome.result.events;
  const least = Math.floor(events / 16_384);
  assert.ok(least >= 50, `the run is too small for the check to mean anything: ${events} events`);
  console.log(`# progress: ${reports} reports over ${events} events, ${outcome.wallSeconds.toFixed(2)} s`);
  assert.ok(reports >= least, `${reports} progress reports from the remote instance over ${events} events in ${outcome.wallSeconds.toFixed(2)} s; an interval of 0 gives at least ${least}`);
});
