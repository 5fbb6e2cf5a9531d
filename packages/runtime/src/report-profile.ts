import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { esc, type Section } from './report-page.ts';

/**
 * The wait-time profile in report.html: the WTPG drawing (wtpg.svg, inlined), the verdict and the
 * advice in words, and a link to the interactive wtpg.html beside it. Built from what the profiler
 * returns; the runtime reads only its plain fields, so it does not import the profiler.
 */
export interface ReportProfile {
  /** The verdict in words: who the bottleneck is, or that none stands out. */
  verdict: string;
  bottleneck: boolean;
  advice: string[];
  /** wtpg.svg's text, or null when it was not drawn. */
  svg: string | null;
  /** The interactive page, relative to the report. */
  page: string;
}

/** What the profiler's summary (ProfileSummary) offers, structurally. */
export interface ProfileFacts {
  balanced: boolean;
  spread: number;
  bottlenecks: string[];
  instances: Array<{ instance: string; waitShare: number }>;
  waitingOn: Record<string, Array<{ neighbour: string; waitShare: number }>>;
  advice: Array<{ text: string }>;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/** The report's view of a profiled run directory. */
export function reportProfile(dir: string, s: ProfileFacts): ReportProfile {
  let verdict: string;
  if (s.balanced) verdict = `No bottleneck stands out: every instance's wait share lies within ${pct(s.spread)} of the others'.`;
  else {
    const share = new Map(s.instances.map((i) => [i.instance, i.waitShare]));
    verdict = `Bottleneck: ${s.bottlenecks
      .map((b) => {
        const waiters = (s.waitingOn[b] ?? []).slice(0, 4).map((w) => `${w.neighbour} ${pct(w.waitShare)}`);
        return `${b} waits only ${pct(share.get(b) ?? NaN)} of its wall time${waiters.length ? `; waiting for it: ${waiters.join(', ')}` : ''}`;
      })
      .join('. ')}.`;
  }
  const svgFile = join(dir, 'wtpg.svg');
  return { verdict, bottleneck: !s.balanced, advice: s.advice.map((a) => a.text), svg: existsSync(svgFile) ? readFileSync(svgFile, 'utf8') : null, page: 'wtpg.html' };
}

/** Graphviz's SVG as an element of the page: no prolog, no comments, sized by the page. */
function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<svg width="[^"]*" height="[^"]*"/, '<svg')
    .trim();
}

export function profileSection(p: ReportProfile): Section {
  const advice = p.advice.length ? `<h3>What to try</h3><ul>${p.advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : '';
  const graph = p.svg ? `<div class="graph">${inlineSvg(p.svg)}</div>` : '';
  const html = `<div class="wtpg">${graph}<div class="words"><div class="verdict ${p.bottleneck ? 'bad' : 'ok'}">${esc(p.verdict)}</div>${advice}` +
    `<p><a href="${esc(p.page)}">Open the interactive WTPG (${esc(p.page)})</a>: hover an instance or a channel for its figures.</p></div></div>`;
  return {
    heading: 'Wait-time profile',
    intro: 'A node per instance, coloured by the share of its wall time it waits (red: busy, the bottleneck; green: idle); edge A → B: the share of A\'s wall time spent waiting for B.',
    html,
    charts: [],
  };
}
