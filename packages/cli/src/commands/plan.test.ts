import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crK, instantiate } from '@splitsim/instantiation';
import { datacenter, hostPath } from '@splitsim/system';
import { networkRules } from '../../../../test/support/stand-ins.ts';
import { describePlan, planCommand } from './plan.ts';

test('the text summary: instances with counts by kind and placement, channels, totals', () => {
  // Every host sends to one in the other half: traffic crosses both channels both ways.
  const system = datacenter({ blocks: 2, racksPerBlock: 3, hostsPerRack: 4, host: (s) => ({ apps: [{ type: 'tcp-sink' }, { type: 'tcp-bulk', dst: hostPath(1 - s.block, s.rack, s.host) }] }) }).system;
  const plan = instantiate(system, { models: networkRules(), partition: crK(3), placement: (i) => (i.index === 2 ? { kind: 'remote', runner: 'far' } : 'thread') }, { config: 'dc', instantiation: 'cr3', seed: 1 });
  assert.equal(
    describePlan(plan),
    `dc/cr3: 33 components in 3 instances, 2 channels

instances
  #  name      placement   components  by kind
  0  core      thread               3  switch 3
  1  racks0-2  thread              15  host 12, switch 3
  2  racks3-5  remote:far          15  host 12, switch 3

channels
  #  name           links  lookahead  sync interval  traffic
  0  core↔racks0-2      3  500ns      500ns          both ways
  1  core↔racks3-5      3  500ns      500ns          both ways

totals
  components  33 (host 24, switch 9)
  models      switch.packet 9, host.protocol 24
  links       32, 6 cut
  instances   3 (thread 2, remote:far 1)
  channels    2, smallest lookahead 500ns
`,
  );
});

test('usage mistakes are SplitSimErrors (printed without a stack trace) naming what to change', async () => {
  await assert.rejects(planCommand('no-such-config.ts', { json: true, dot: true }), { code: 'E_CONFIG', message: '--json and --dot: choose one' });
  await assert.rejects(planCommand('no-such-config.ts', {}), { code: 'E_CONFIG', message: 'no-such-config.ts: no such config file' });
  await assert.rejects(planCommand('configs/mmc.ts', { inst: 'nope' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'E_CONFIG');
    assert.match(err.message, /^configs\/mmc\.ts: no instantiation "nope" \(available: single\b/);
    return true;
  });
});
