import { MAX_TIME, Rng, type CrashWindow, type FaultSource, type LinkFaultWindow } from '@splitsim/kernel';
import type { FaultDecl, System } from '@splitsim/system';
import type { ModelCatalog } from './catalog.ts';
import type { Placement, PlanFaults } from './plan.ts';
import type { PlanProblem } from './problems.ts';

/** Plan-time streams of the seeded crash processes: (seed, PROCESS_STREAM + fault · 2^21 + component), apart from every run-time stream. */
const PROCESS_STREAM = 2 ** 45;
const PER_FAULT = 2 ** 21;

interface RawLinkWindow {
  from: number;
  until: number;
  down: boolean;
  loss: number;
  delay: number;
}

/**
 * The system's fault schedule as plan data: every crash process drawn from the run seed, each
 * component's crash windows merged, each link's faults cut into segments that do not overlap
 * (overlapping faults combine: down wins, losses compound, delays add). A partition becomes the
 * links that join its two sides. Components crashed by a model that does not keep account of
 * crashes are problems. Undefined when the system declares no faults.
 */
export function resolveFaults(system: System, chosen: ReadonlyArray<string | undefined>, models: ModelCatalog, seed: number, problems: PlanProblem[]): PlanFaults | undefined {
  const decls = system.faults.list;
  if (decls.length === 0) return undefined;
  const crashes = new Map<number, CrashWindow[]>();
  const links = new Map<number, RawLinkWindow[]>();
  const crash = (c: number, w: CrashWindow) => (crashes.get(c) ?? crashes.set(c, []).get(c)!).push(w);
  const link = (l: number, w: RawLinkWindow) => (links.get(l) ?? links.set(l, []).get(l)!).push(w);
  decls.forEach((d: FaultDecl, i) => {
    if (d.type === 'crash') for (const c of d.components) crash(c, { from: d.at, until: d.recover ?? Infinity });
    else if (d.type === 'crashes') for (const c of d.components) for (const w of crashProcess(d, new Rng(seed, PROCESS_STREAM + i * PER_FAULT + c))) crash(c, w);
    else if (d.type === 'link') for (const l of d.links) link(l, { from: d.at, until: d.until ?? Infinity, down: d.down, loss: d.loss, delay: d.delay });
    else {
      const a = new Set(d.a);
      const b = new Set(d.b);
      for (const l of system.links) {
        const x = l.a.component;
        const y = l.b.component;
        if ((a.has(x) && b.has(y)) || (a.has(y) && b.has(x))) link(l.id, { from: d.at, until: d.until ?? Infinity, down: true, loss: 0, delay: 0 });
      }
    }
  });
  for (const c of [...crashes.keys()].sort((x, y) => x - y)) {
    const model = chosen[c];
    const spec = model === undefined ? undefined : models.get(model)?.spec;
    if (spec && !spec.crashable) {
      problems.push({ where: system.pathOf(c), message: `a fault crashes it, but its model ${model} does not keep account of crashes (no crashable: true in its spec); crash only components whose model does` });
    }
  }
  const json = (t: number) => (t === Infinity ? {} : { until: t });
  return {
    crashes: [...crashes].sort((x, y) => x[0] - y[0]).map(([component, ws]) => ({ component, windows: mergeCrashes(ws).map((w) => ({ from: w.from, ...json(w.until) })) })),
    links: [...links].sort((x, y) => x[0] - y[0]).map(([l, ws]) => ({ link: l, windows: segments(ws).map((w) => ({ from: w.from, ...json(w.until), down: w.down, loss: w.loss, delay: w.delay })) })),
  };
}

/** Up for Exp(meanUp), down for Exp(meanDown), …: the windows of one component, in ps. */
function crashProcess(d: Extract<FaultDecl, { type: 'crashes' }>, rng: Rng): CrashWindow[] {
  const out: CrashWindow[] = [];
  let t = d.from;
  for (;;) {
    t += Math.max(1, Math.round(rng.exponential(d.meanUp)));
    if (t >= d.until) return out;
    const until = t + Math.max(1, Math.round(rng.exponential(d.meanDown)));
    // A recovery past 2^53 ps, the last exact time, would never come: the crash is for good.
    if (until > MAX_TIME) return [...out, { from: t, until: Infinity }];
    out.push({ from: t, until });
    t = until;
  }
}

function mergeCrashes(ws: CrashWindow[]): CrashWindow[] {
  const sorted = [...ws].sort((x, y) => x.from - y.from);
  const out: CrashWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.from <= last.until) out[out.length - 1] = { from: last.from, until: Math.max(last.until, w.until) };
    else out.push(w);
  }
  return out;
}

/** Cuts overlapping link windows into segments with one combined effect each, merging equal neighbours. */
function segments(ws: RawLinkWindow[]): RawLinkWindow[] {
  const cuts = [...new Set(ws.flatMap((w) => [w.from, w.until]))].sort((x, y) => x - y);
  const out: RawLinkWindow[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const until = cuts[i + 1]!;
    const on = ws.filter((w) => w.from <= from && w.until >= until);
    if (on.length === 0) continue;
    // A down link drops everything: its loss and delay do not matter.
    const down = on.some((w) => w.down);
    const loss = down ? 0 : on.length === 1 ? on[0]!.loss : 1 - on.reduce((k, w) => k * (1 - w.loss), 1);
    const seg = { from, until, down, loss, delay: down ? 0 : on.reduce((s, w) => s + w.delay, 0) };
    const last = out[out.length - 1];
    if (last && last.until === from && last.down === seg.down && last.loss === seg.loss && last.delay === seg.delay) last.until = until;
    else out.push(seg);
  }
  return out;
}

/**
 * Link faults are applied by the sender's kernel, which an external simulator does not run: a
 * faulty link with an end in an external instance would be faulty one way only. Refused.
 */
export function externalFaultProblems(system: System, faults: PlanFaults | undefined, instanceOf: Int32Array, placements: readonly (Placement | undefined)[], problems: PlanProblem[]): void {
  for (const f of faults?.links ?? []) {
    const l = system.links[f.link]!;
    const ext = [l.a.component, l.b.component].find((c) => placements[instanceOf[c]!]?.kind === 'external');
    if (ext !== undefined) problems.push({ where: `link ${system.linkName(l)}`, message: `has faults, but ${system.pathOf(ext)} runs in an external simulator, which does not apply them; move the fault or the component` });
  }
}

/** The plan's faults as the kernel reads them (absent: none). */
export function planFaultSource(faults: PlanFaults | undefined): FaultSource | undefined {
  if (!faults) return undefined;
  const inf = (t: number | undefined) => t ?? Infinity;
  const crashes = new Map<number, CrashWindow[]>(faults.crashes.map((c) => [c.component, c.windows.map((w) => ({ from: w.from, until: inf(w.until) }))]));
  const links = new Map<number, LinkFaultWindow[]>(faults.links.map((l) => [l.link, l.windows.map((w) => ({ ...w, until: inf(w.until) }))]));
  return { crashes: (c) => crashes.get(c), link: (l) => links.get(l) };
}
