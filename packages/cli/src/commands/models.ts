import type { Command } from 'commander';
import type { StatisticDoc } from '@splitsim/kernel';
import { builtinCatalog, describeParams, type Catalog, type ParamInfo } from '@splitsim/instantiation';
import { loadConfig } from '../load-config.ts';
import { options } from '../options.ts';

export function registerModels(program: Command): void {
  const cmd = program
    .command('models')
    .description('list the models, component kinds, host applications and instantiation steps a config can use: the built-in ones and those of its model modules')
    .argument('[config]', 'a config file: adds the models of the modules it names');
  for (const o of options('json')) cmd.addOption(o);
  cmd.addHelpText('after', ['', 'Examples:', '  splitsim models', '  splitsim models my-config.ts --json'].join('\n'));
  cmd.action(async (file: string | undefined, flags: { json?: boolean }) => {
    const catalog = file === undefined ? builtinCatalog() : (await loadConfig(file)).catalog;
    const listing = listCatalog(catalog);
    process.stdout.write(flags.json ? `${JSON.stringify(listing, null, 2)}\n` : listingText(listing));
  });
}

export interface Listing {
  modules: string[];
  models: Array<{ name: string; module: string; kinds: readonly string[]; default: boolean; external: boolean; roles: readonly string[]; description: string; ports: readonly string[]; params: ParamInfo[]; statistics: Record<string, StatisticDoc> }>;
  kinds: Array<{ kind: string; module: string; description: string; params: ParamInfo[] | null; apps: boolean }>;
  applications: Array<{ type: string; module: string; description: string; protocol: string; params: ParamInfo[]; statistics: Record<string, StatisticDoc> }>;
  steps: Array<{ step: string; module: string; description: string }>;
}

/** Everything in a catalogue, as data (`--json`) and for the text listing. */
export function listCatalog(catalog: Catalog): Listing {
  return {
    modules: catalog.modules.map((m) => m.specifier),
    models: [...catalog.models.values()].map(({ spec, module }) => ({
      name: spec.model, module, kinds: spec.kinds, default: spec.default === true, external: spec.external === true, roles: spec.roles ?? [], description: spec.description, ports: spec.ports, params: describeParams(spec.params),
      statistics: { ...spec.statistics },
    })),
    kinds: [...catalog.kinds.values()].map(({ spec, module }) => ({ kind: spec.kind, module, description: spec.description, params: spec.params ? describeParams(spec.params) : null, apps: spec.apps === true })),
    applications: [...catalog.apps.values()].map(({ spec, module }) => {
      const app = spec as { protocol?: string; statistics?: Record<string, StatisticDoc> };
      return { type: spec.type, module, description: spec.description, protocol: app.protocol ?? '', params: describeParams(spec.params), statistics: { ...app.statistics } };
    }),
    steps: catalog.steps.map(({ spec, module }) => ({ step: spec.step, module, description: spec.description })),
  };
}

function params(list: ParamInfo[]): string {
  if (list.length === 0) return 'none';
  return list.map((p) => `${p.name} (${p.type}${p.derived ? `, derived by the ${p.derived}` : p.required ? ', required' : p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : ', optional'})`).join(', ');
}

function statistics(stats: Record<string, StatisticDoc>): string[] {
  return Object.entries(stats).map(([name, s]) => `        ${name} (${s.type}${s.unit ? `, ${s.unit}` : ''}): ${s.description}`);
}

function ports(list: readonly string[]): string {
  if (list.length > 8 && list.every((p, i) => p === `p${i}`)) return `p0 … p${list.length - 1}`;
  return list.join(', ') || 'none';
}

export function listingText(l: Listing): string {
  const out: string[] = [`Model modules: ${l.modules.join(', ')}`, '', 'Models (a kind with several models uses its default unless a rule picks one):'];
  const byKind = [...new Set(l.models.flatMap((m) => m.kinds))];
  for (const kind of byKind) {
    for (const m of l.models.filter((x) => x.kinds[0] === kind)) {
      out.push(`  ${m.name}  [${m.kinds.join(', ')}${m.default ? ', default' : ''}${m.external ? ', external simulator' : ''}]  ${m.module}`);
      out.push(`      ${m.description}`);
      out.push(`      ports: ${ports(m.ports)}`);
      out.push(`      params: ${params(m.params)}`);
      if (Object.keys(m.statistics).length > 0) out.push('      statistics:', ...statistics(m.statistics));
    }
  }
  out.push('', 'Component kinds:');
  for (const k of l.kinds) out.push(`  ${k.kind}  ${k.module}`, `      ${k.description}`, `      params: ${k.params === null ? "the model's" : params(k.params)}${k.apps ? '; runs host applications (apps)' : ''}`);
  out.push('', "Host applications (a host's apps: [{ type, …params }]):");
  for (const a of l.applications) {
    out.push(`  ${a.type}  ${a.protocol.toUpperCase()}  ${a.module}`, `      ${a.description}`, `      params: ${params(a.params)}`);
    if (Object.keys(a.statistics).length > 0) out.push('      statistics (added to its host):', ...statistics(a.statistics));
  }
  out.push('', 'Instantiation steps:');
  for (const s of l.steps) out.push(`  ${s.step}  ${s.module}`, `      ${s.description}`);
  return `${out.join('\n')}\n`;
}
