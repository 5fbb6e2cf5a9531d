import { percent, rate, speedLong, speedShort } from './format.ts';
import type { ProfileSummary } from './profile-run.ts';

/**
 * The text summary `splitsim profile` prints: the speed, who the bottleneck is and who confirms it
 * by waiting for it, the most idle instances, what to try, and the per-instance table.
 */
export function summaryText(s: ProfileSummary): string {
  const out: string[] = [];
  const title = s.config ? `${s.config}/${s.instantiation}` : s.dir;
  const status = s.runStatus ? `, run ${s.runStatus}` : '';
  out.push(`WTPG of ${title}: ${s.instances.length} instance(s)${status}`);
  const warm = new Set(s.instances.map((i) => `${i.window.warmup}/${i.window.cooldown}`));
  const wall = s.instances.map((i) => i.window.wallSeconds).sort((a, b) => a - b)[s.instances.length >> 1]!;
  out.push(`  window       ${[...warm].map((w) => w.replace('/', ' warm-up, ') + ' cool-down').join('; ')} sample(s) dropped; ${wall.toFixed(2)} s of wall time${s.instances.length > 1 ? ' that all instances cover' : ''}`);
  out.push(`  speed        ${speedLong(s.speed.value)}${s.speed.agree ? '' : ` (median; instances' figures differ by ${percent(s.speed.spread)}: ${speedShort(s.speed.min)} to ${speedShort(s.speed.max)})`}`);
  const by = new Map(s.instances.map((i) => [i.instance, i]));
  if (s.balanced) {
    out.push(`  bottleneck   none stands out (wait shares within ${percent(s.spread)})`);
  } else {
    s.bottlenecks.forEach((b, k) => {
      const i = by.get(b)!;
      out.push(`  ${k === 0 ? 'bottleneck  ' : '            '} ${b}: waits ${percent(i.waitShare)} of its wall time, efficiency ${percent(i.efficiency)}`);
      const waiters = s.waitingOn[b] ?? [];
      if (waiters.length > 0) {
        const list = waiters.map((w) => `${w.neighbour} ${percent(w.waitShare)}${w.largest ? '' : ' (waits more for another)'}`).join(', ');
        out.push(`               waiting for it: ${list}`);
      }
    });
    if (s.idle.length > 0) out.push(`  most idle    ${s.idle.slice(0, 8).map((n) => `${n} waits ${percent(by.get(n)!.waitShare)}`).join(', ')}${s.idle.length > 8 ? `, and ${s.idle.length - 8} more` : ''}`);
  }
  s.advice.forEach((a, k) => out.push(`  ${k === 0 ? 'try         ' : '            '} ${a.text}`));
  out.push('');
  const rows = [...s.instances].sort((a, b) => a.waitShare - b.waitShare || a.instance.localeCompare(b.instance));
  const nameWidth = Math.max(8, ...rows.map((r) => r.instance.length));
  const withComponents = rows.some((r) => r.components !== null);
  out.push(`  ${'instance'.padEnd(nameWidth)}  ${'wait'.padStart(6)}  ${'eff.'.padStart(6)}  ${'rx+tx+sync'.padStart(10)}  ${'events'.padStart(10)}${withComponents ? '  components' : ''}`);
  for (const r of rows) {
    const role = s.bottlenecks.includes(r.instance) ? '  < bottleneck' : '';
    out.push(
      `  ${r.instance.padEnd(nameWidth)}  ${percent(r.waitShare).padStart(6)}  ${percent(r.efficiency).padStart(6)}  ${percent(r.rxShare + r.txShare + r.syncShare).padStart(10)}  ` +
        `${rate(r.eventsPerSecond).padStart(10)}${withComponents ? String(r.components ?? '').padStart(12) : ''}${role}`,
    );
  }
  for (const n of s.notes) out.push(`  note: ${n}`);
  if (s.outputs) out.push('', `  wrote ${s.outputs.json}, wtpg.dot, wtpg.svg, wtpg.html`);
  return out.join('\n') + '\n';
}
