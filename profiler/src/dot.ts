import { speedLong, percent, rate } from './format.ts';
import type { Wtpg } from './wtpg.ts';

/**
 * The WTPG in Graphviz's DOT language (wtpg.dot; wtpg.svg is it laid out). Every node and edge
 * gets an `id` (`n<index>`, `e<index>`, in graph order) that Graphviz copies onto the SVG group,
 * so the HTML page can find the figures of whatever the pointer is over.
 */
export interface DotOptions {
  /** Graphviz layout engine; default: `dot` up to 8 instances, `neato` above, where ranks get too wide. */
  engine?: string;
}

/** Edges of the WTPG up to this share are drawn thin and grey: nobody waits much there. */
const FAINT = 0.02;

export function layoutEngine(graph: Wtpg, options: DotOptions = {}): string {
  return options.engine ?? (graph.order <= 8 ? 'dot' : 'neato');
}

export function nodeId(index: number): string {
  return `n${index}`;
}

export function edgeId(index: number): string {
  return `e${index}`;
}

/** A DOT double-quoted string. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text inside a DOT HTML-like label. */
function h(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function toDot(graph: Wtpg, options: DotOptions = {}): string {
  const a = graph.getAttributes();
  const engine = layoutEngine(graph, options);
  const title = [a.config, a.instantiation].filter(Boolean).join('/') || 'run';
  const verdict = a.balanced ? 'balanced: no bottleneck stands out' : `bottleneck: ${a.bottlenecks.join(', ')}`;
  const out: string[] = [];
  out.push(`digraph wtpg {`);
  out.push(`  // Wait-time profile graph. Edge A -> B: share of A's wall time spent waiting for B. Layout engine: ${engine}.`);
  out.push(`  graph [label=${q(`WTPG of ${title}: ${speedLong(a.speed)}; ${verdict}`)}, labelloc=t, fontname="Helvetica", fontsize=14, ` +
    (engine === 'dot' ? 'rankdir=LR, nodesep=0.5, ranksep=1.1' : 'overlap=scale, splines=curved, sep="+4", esep="+2"') + `];`);
  out.push(`  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=14, color="#333333", margin="0.12,0.06"];`);
  out.push(`  edge [fontname="Helvetica", fontsize=11, arrowsize=0.7];`);
  let n = 0;
  graph.forEachNode((key, v) => {
    const bottleneck = v.role === 'bottleneck';
    const lines = [`<B>${h(key)}</B>`, `waits ${h(percent(v.waitShare))}`];
    if (bottleneck) lines.push('<B>BOTTLENECK</B>');
    const tip = `${key}: waits ${percent(v.waitShare)} of its wall time, efficiency ${percent(v.efficiency)}, ${rate(v.eventsPerSecond)} events`;
    out.push(`  ${q(key)} [id=${q(nodeId(n++))}, label=<${lines.join('<BR/>')}>, fillcolor=${q(v.color)}, penwidth=${bottleneck ? 4 : 1}, ` +
      `${bottleneck ? 'color="#7a0000", ' : ''}tooltip=${q(tip)}];`);
  });
  let e = 0;
  graph.forEachEdge((key, v, source, target) => {
    const strong = v.waitShare > FAINT;
    const width = strong ? 1 + 5 * Math.min(1, v.waitShare) : 0.6;
    const tip = `${source} waits ${percent(v.waitShare)} of its wall time for ${target} (channel ${v.channel})`;
    out.push(`  ${q(source)} -> ${q(target)} [id=${q(edgeId(e++))}, label=${q(v.label)}, penwidth=${width.toFixed(2)}, ` +
      `color=${q(strong ? '#333333' : '#b0b0b0')}, fontcolor=${q(strong ? '#000000' : '#909090')}, tooltip=${q(tip)}, labeltooltip=${q(tip)}];`);
  });
  out.push('}');
  return out.join('\n') + '\n';
}
