import { UndirectedGraph } from 'graphology';
import { formatTime } from '@splitsim/kernel';
import type { Plan } from './plan.ts';
import { placementText, summarizePlan } from './summary.ts';

export interface InstanceNode {
  id: number;
  placement: string;
  components: number;
  byKind: Record<string, number>;
  byModel: Record<string, number>;
}

export interface ChannelEdge {
  id: number;
  links: number;
  lookahead: number;
  syncInterval: number;
}

export type PlanGraph = UndirectedGraph<InstanceNode, ChannelEdge, { config: string; instantiation: string }>;

/** The plan as a graph: a node per instance (keyed by name), an edge per channel (keyed by name). */
export function planGraph(plan: Plan): PlanGraph {
  const summary = summarizePlan(plan);
  const graph: PlanGraph = new UndirectedGraph();
  graph.replaceAttributes({ config: plan.config, instantiation: plan.instantiation });
  for (const inst of summary.instances) {
    graph.addNode(inst.name, { id: inst.id, placement: inst.placement, components: inst.components, byKind: Object.fromEntries(inst.byKind), byModel: Object.fromEntries(inst.byModel) });
  }
  for (const ch of plan.channels) {
    graph.addEdgeWithKey(ch.name, plan.instances[ch.a]!.name, plan.instances[ch.b]!.name, { id: ch.id, links: ch.links.length, lookahead: ch.lookahead, syncInterval: ch.syncInterval });
  }
  return graph;
}

const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const quote = (s: string) => `"${escape(s)}"`;
/** A multi-line DOT label: each line escaped, joined by DOT's own \n. */
const label = (...lines: string[]) => `"${lines.map(escape).join('\\n')}"`;

/** Graphviz DOT: instances as boxes (components by kind, placement), channels as labelled edges. */
export function planToDot(plan: Plan): string {
  const summary = summarizePlan(plan);
  const lines = [
    `graph ${quote(`${plan.config}/${plan.instantiation}`)} {`,
    '  graph [overlap=false, splines=true];',
    '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const inst of summary.instances) {
    const kinds = inst.byKind.map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`  ${quote(inst.name)} [label=${label(inst.name, `${inst.components} components: ${kinds}`, placementText(plan.instances[inst.id]!.placement))}];`);
  }
  for (const ch of plan.channels) {
    const text = label(`${ch.links.length} link${ch.links.length === 1 ? '' : 's'}`, `lookahead ${formatTime(ch.lookahead)}`);
    lines.push(`  ${quote(plan.instances[ch.a]!.name)} -- ${quote(plan.instances[ch.b]!.name)} [label=${text}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
