import type { Command } from 'commander';
import { formatTime, SplitSimError } from '@splitsim/kernel';
import { planToDot, summarizePlan, type Config, type Instantiation, type Plan } from '@splitsim/instantiation';
import { buildInstantiation, buildSystem, planConfig } from '@splitsim/runtime';
import type { System } from '@splitsim/system';
import { applyPartitionFile } from '../apply-partition.ts';
import { loadConfig, parseOverrides, type LoadedConfig } from '../load-config.ts';
import { options } from '../options.ts';

export interface PlanFlags {
  inst?: string;
  seed?: number;
  set?: string[];
  json?: boolean;
  dot?: boolean;
  list?: boolean;
  partitionFile?: string;
}

export function registerPlan(program: Command): void {
  const cmd = program
    .command('plan')
    .description('resolve and check an instantiation without running it: instances, channels, totals')
    .argument('<config>', 'config file, e.g. configs/datacenter.ts');
  for (const o of options('inst', 'seed', 'set', 'partitionFile', 'json', 'dot', 'list')) cmd.addOption(o);
  cmd.addHelpText(
    'after',
    '\nExamples:\n  splitsim plan configs/datacenter.ts --list\n  splitsim plan configs/datacenter.ts --inst cr3\n  splitsim plan configs/datacenter.ts --inst rs --set blocks=2 --json > plan.json\n  splitsim plan configs/datacenter.ts --inst ab --dot | dot -Tsvg > ab.svg',
  );
  cmd.action(async (file: string, flags: PlanFlags) => planCommand(file, flags));
}

export async function planCommand(file: string, flags: PlanFlags): Promise<void> {
  if (flags.json && flags.dot) throw new SplitSimError('E_CONFIG', '--json and --dot: choose one', { field: '--dot' });
  const loaded = await loadConfig(file, parseOverrides(flags.set));
  const { config } = loaded;
  if (flags.list) {
    process.stdout.write(listInstantiations(loaded, file, buildSystem(loaded, file)));
    return;
  }
  const adjust = flags.partitionFile ? (inst: Instantiation) => applyPartitionFile(inst, flags.partitionFile!, config.name) : undefined;
  const { plan } = planConfig(loaded, file, flags.inst, flags.seed ?? config.run?.seed ?? 1, adjust);
  if (flags.json) process.stdout.write(`${JSON.stringify(plan)}\n`);
  else if (flags.dot) process.stdout.write(planToDot(plan));
  else process.stdout.write(describePlan(plan));
}

function listInstantiations(loaded: LoadedConfig, file: string, system: System): string {
  const { config } = loaded;
  const names = Object.keys(config.instantiations);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [`${config.name}: ${config.description}`, `instantiations (default ${config.defaultInstantiation}):`];
  for (const n of names) {
    const inst = buildInstantiation(loaded, file, n, system);
    const description = typeof inst?.description === 'string' ? inst.description : '';
    lines.push(`  ${n.padEnd(width)}  ${description}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

const counts = (pairs: Array<[string, number]>) => pairs.map(([k, n]) => `${k} ${n}`).join(', ');

/** Rows of cells as aligned columns; numeric columns (by header) right-aligned. */
function table(header: string[], rows: string[][], numeric: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The text `splitsim plan` prints. */
export function describePlan(plan: Plan): string {
  const s = summarizePlan(plan);
  const t = s.totals;
  const lines = [`${plan.config}/${plan.instantiation}: ${t.components} components in ${t.instances} instance${t.instances === 1 ? '' : 's'}, ${t.channels} channel${t.channels === 1 ? '' : 's'}`, ''];
  lines.push('instances');
  lines.push(...table(['#', 'name', 'placement', 'components', 'by kind'], s.instances.map((i) => [String(i.id), i.name, i.placement, String(i.components), counts(i.byKind)]), [true, false, false, true, false]));
  lines.push('', 'channels');
  if (s.channels.length === 0) lines.push('  (none: nothing is cut)');
  else {
    const traffic = (c: (typeof s.channels)[number]): string => (c.carriesAB && c.carriesBA ? 'both ways' : c.carriesAB ? 'a→b only' : c.carriesBA ? 'b→a only' : 'none');
    lines.push(...table(['#', 'name', 'links', 'lookahead', 'sync interval', 'traffic'], s.channels.map((c) => [String(c.id), c.name, String(c.links), formatTime(c.lookahead), formatTime(c.syncInterval), traffic(c)]), [true, false, true, false, false, false]));
  }
  const models = [...new Set(plan.components.map((c) => c.model))].map((m): [string, number] => [m, plan.components.filter((c) => c.model === m).length]);
  lines.push('', 'totals');
  lines.push(`  components  ${t.components} (${counts(t.byKind)})`);
  lines.push(`  models      ${counts(models)}`);
  lines.push(`  links       ${t.links}, ${t.cutLinks} cut`);
  lines.push(`  instances   ${t.instances} (${counts(t.byPlacement)})`);
  lines.push(`  channels    ${t.channels}${t.minLookahead === null ? '' : `, smallest lookahead ${formatTime(t.minLookahead)}`}`);
  return `${lines.join('\n')}\n`;
}
