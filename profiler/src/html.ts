import { colourStops } from './colour.ts';
import { edgeId, nodeId } from './dot.ts';
import { duration, percent, rate, speedLong, speedNotice } from './format.ts';
import type { ProfileSummary } from './profile-run.ts';
import type { Wtpg } from './wtpg.ts';

/**
 * wtpg.html: one self-contained file (inline SVG, style, script and data; nothing loaded from
 * anywhere, so it opens from disk). The verdict is written at the top in words, the graph is in
 * the middle with the bottleneck drawn red and framed, and the instances are listed beside it
 * from least to most waiting, so the bottleneck is found at a glance even among 36 instances.
 * Hovering a node, an edge or a table row shows its figures and lights up its edges.
 */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The SVG as an inline element: no XML prolog, and sized by the page rather than in points. */
function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<svg width="[^"]*" height="[^"]*"/, '<svg')
    .trim();
}

export function toHtml(graph: Wtpg, svg: string, s: ProfileSummary): string {
  const title = s.config ? `${s.config}/${s.instantiation}` : s.dir;
  const nodes: Record<string, unknown> = {};
  const indexOf = new Map<string, string>();
  graph.nodes().forEach((key, i) => {
    const v = graph.getNodeAttributes(key);
    indexOf.set(key, nodeId(i));
    nodes[nodeId(i)] = { name: key, wait: percent(v.waitShare), eff: percent(v.efficiency), ev: rate(v.eventsPerSecond), ch: percent(v.rxShare + v.txShare + v.syncShare), comp: v.components, role: v.role, speed: `${duration(v.speed)}/s` };
  });
  const edges: Record<string, unknown> = {};
  graph.edges().forEach((key, i) => {
    const v = graph.getEdgeAttributes(key);
    edges[edgeId(i)] = { from: indexOf.get(graph.source(key)), to: indexOf.get(graph.target(key)), src: graph.source(key), dst: graph.target(key), wait: percent(v.waitShare), channel: v.channel, msgs: v.rxMsgs + v.txMsgs + v.syncMsgs };
  });
  const data = JSON.stringify({ nodes, edges }).replace(/</g, '\\u003c');

  const byName = new Map(s.instances.map((i) => [i.instance, i]));
  let verdict: string;
  if (s.balanced) {
    verdict = `<div class="verdict ok">No bottleneck stands out: wait shares lie within ${esc(percent(s.spread))} of each other.</div>`;
  } else {
    const parts = s.bottlenecks.map((b) => {
      const waiters = s.waitingOn[b] ?? [];
      const list = waiters.map((w) => `${esc(w.neighbour)} ${esc(percent(w.waitShare))}`).join(', ');
      const fed = waiters.length === 0 ? '' : `; ${list} of ${waiters.length === 1 ? 'its' : 'their'} wall time waiting for it`;
      return `<b>${esc(b)}</b> waits only ${esc(percent(byName.get(b)!.waitShare))}${fed}`;
    });
    verdict = `<div class="verdict bad">Bottleneck: ${parts.join('<br>')}</div>`;
  }
  const rows = [...s.instances]
    .sort((a, b) => a.waitShare - b.waitShare || a.instance.localeCompare(b.instance))
    .map((i) => {
      const v = graph.getNodeAttributes(i.instance);
      return `<tr data-node="${indexOf.get(i.instance)}" class="${v.role}"><td><span class="sw" style="background:${v.color}"></span>${esc(i.instance)}</td><td>${esc(percent(i.waitShare))}</td><td>${esc(percent(i.efficiency))}</td><td>${esc(rate(i.eventsPerSecond))}</td></tr>`;
    })
    .join('\n');
  const scale = graph.getAttribute('colourScale');
  const gradient = colourStops(scale).map((c) => `${c.colour} ${(c.at * 100).toFixed(0)}%`).join(', ');
  const advice = s.advice.map((a) => `<li>${esc(a.text)}</li>`).join('\n');
  const notes = s.notes.length ? `<h2>Notes</h2><ul class="notes">${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const notice = s.speed.agree ? '' : `<div class="notice">${esc(speedNotice(s.speed))}</div>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>WTPG: ${esc(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, Helvetica, Arial, sans-serif; margin: 0; color: #111; background: #fafafa; }
  header { padding: 10px 18px 8px; background: #fff; border-bottom: 1px solid #ddd; }
  h1 { font-size: 19px; margin: 0 0 2px; }
  h2 { font-size: 14px; margin: 14px 0 4px; }
  .facts { color: #444; }
  .verdict { margin-top: 6px; padding: 6px 10px; border-radius: 4px; font-size: 16px; }
  .verdict.bad { background: #fde2e0; border-left: 6px solid #c00000; }
  .verdict.ok { background: #e3f6e3; border-left: 6px solid #2a8a2a; }
  .notice { margin-top: 6px; padding: 4px 10px; border-radius: 4px; font-size: 13px; color: #5a4a14; background: #fbf6e4; border-left: 4px solid #d9c27a; }
  .scale-note { font-size: 12px; color: #555; margin-top: 2px; }
  main { display: flex; gap: 12px; padding: 10px 18px; align-items: flex-start; }
  #graph { flex: 1 1 auto; min-width: 0; background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 4px; }
  #graph svg { width: 100%; height: auto; max-height: calc(100vh - 150px); display: block; }
  aside { flex: 0 0 330px; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
  th, td { padding: 2px 6px; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  tr.bottleneck td { font-weight: bold; background: #fde2e0; }
  tr:hover td, tr.lit td { background: #fff3b0; }
  .sw { display: inline-block; width: 11px; height: 11px; border: 1px solid #555; margin-right: 6px; vertical-align: -1px; }
  .legend .bar { height: 12px; border: 1px solid #999; background: linear-gradient(to right, ${gradient}); }
  .legend .ends { display: flex; justify-content: space-between; font-size: 12px; color: #444; }
  ul { margin: 0; padding-left: 18px; }
  li { margin-bottom: 4px; }
  .notes { color: #555; font-size: 12px; }
  #tip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 6px 9px; border-radius: 4px; font-size: 13px; display: none; max-width: 360px; z-index: 9; }
  #tip b { color: #ffd866; }
  svg g.node, svg g.edge { cursor: pointer; }
  svg.focus g.node, svg.focus g.edge { opacity: 0.18; }
  svg.focus g.lit { opacity: 1; }
</style>
</head>
<body>
<header>
  <h1>Wait-time profile graph: ${esc(title)}</h1>
  <div class="facts">Speed <b>${esc(speedLong(s.speed.value))}</b> · ${s.instances.length} instance(s)${s.runStatus ? ` · run ${esc(s.runStatus)}` : ''} · edge A&rarr;B: share of A's wall time spent waiting for B</div>
  ${verdict}
  ${notice}
</header>
<main>
<section id="graph">
${inlineSvg(svg)}
</section>
<aside>
  <div class="legend"><div class="bar"></div><div class="ends"><span>waits ${esc(percent(scale.lo))}: busiest</span><span>waits ${esc(percent(scale.hi))}: most idle</span></div>
  <div class="scale-note">Colours span this run's range of wait shares${scale.hi - scale.lo > Math.max(...s.instances.map((i) => i.waitShare)) - Math.min(...s.instances.map((i) => i.waitShare)) + 1e-9 ? ', widened so that close shares stay close in colour' : ''}.</div></div>
  <h2>What to try</h2>
  <ul>
${advice}
  </ul>
  <h2>Instances, least waiting first</h2>
  <table><thead><tr><th>instance</th><th>wait</th><th>efficiency</th><th>events</th></tr></thead>
  <tbody>
${rows}
  </tbody></table>
  ${notes}
</aside>
</main>
<div id="tip"></div>
<script type="application/json" id="wtpg-data">${data}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('wtpg-data').textContent);
  var svg = document.querySelector('#graph svg');
  var tip = document.getElementById('tip');
  // Graphviz's own tooltips would pop up over ours.
  svg.querySelectorAll('title').forEach(function (t) { t.remove(); });
  svg.querySelectorAll('a').forEach(function (a) { a.removeAttribute('xlink:title'); a.removeAttributeNS('http://www.w3.org/1999/xlink', 'title'); });
  function nodeText(n) {
    return '<b>' + n.name + '</b>' + (n.role === 'bottleneck' ? ' (bottleneck)' : '') + '<br>waits ' + n.wait + ' of its wall time<br>efficiency ' + n.eff +
      ' (channels ' + n.ch + ')<br>events ' + n.ev + (n.comp === null ? '' : '<br>components ' + n.comp) + '<br>speed ' + n.speed;
  }
  function edgeText(e) {
    return '<b>' + e.src + ' &rarr; ' + e.dst + '</b><br>' + e.src + ' waits ' + e.wait + ' of its wall time for ' + e.dst + '<br>channel ' + e.channel + ', ' + e.msgs + ' messages';
  }
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;'); }
  function light(ids) {
    svg.classList.add('focus');
    ids.forEach(function (id) { var g = document.getElementById(id); if (g) g.classList.add('lit'); });
    document.querySelectorAll('tr[data-node]').forEach(function (r) { if (ids.indexOf(r.dataset.node) >= 0) r.classList.add('lit'); });
  }
  function clear() {
    svg.classList.remove('focus');
    document.querySelectorAll('.lit').forEach(function (g) { g.classList.remove('lit'); });
    tip.style.display = 'none';
  }
  function focusNode(id) {
    var ids = [id];
    Object.keys(data.edges).forEach(function (k) { var e = data.edges[k]; if (e.from === id || e.to === id) ids.push(k, e.from, e.to); });
    light(ids);
  }
  function show(html, ev) {
    tip.innerHTML = html;
    tip.style.display = 'block';
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + tip.offsetWidth > innerWidth) x = ev.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > innerHeight) y = ev.clientY - tip.offsetHeight - 14;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  svg.addEventListener('mousemove', function (ev) {
    var g = ev.target.closest('g.node, g.edge');
    clear();
    if (!g) return;
    if (g.classList.contains('node')) { var n = data.nodes[g.id]; if (!n) return; focusNode(g.id); show(nodeText(mapEsc(n)), ev); }
    else { var e = data.edges[g.id]; if (!e) return; light([g.id, e.from, e.to]); show(edgeText(mapEsc(e)), ev); }
  });
  svg.addEventListener('mouseleave', clear);
  document.querySelectorAll('tr[data-node]').forEach(function (r) {
    r.addEventListener('mousemove', function (ev) { clear(); focusNode(r.dataset.node); show(nodeText(mapEsc(data.nodes[r.dataset.node])), ev); });
    r.addEventListener('mouseleave', clear);
  });
  function mapEsc(o) { var c = {}; Object.keys(o).forEach(function (k) { c[k] = typeof o[k] === 'string' ? esc(o[k]) : o[k]; }); return c; }
})();
</script>
</body>
</html>
`;
}
