// Prints the source lines with the most samples in a .cpuprofile of a bundled script:
// node scripts/prof-lines.cjs <dir> <bundle.mjs> [n]
const fs = require('fs');
const path = require('path');
const d = process.argv[2];
const f = fs.readdirSync(d).map((x) => [fs.statSync(path.join(d, x)).size, x]).sort((a, b) => a[0] - b[0]).pop()[1];
const p = JSON.parse(fs.readFileSync(path.join(d, f)));
const lines = new Map();
let total = 0;
for (const n of p.nodes) for (const t of n.positionTicks || []) {
  const k = `${n.callFrame.functionName}:${t.line}`;
  lines.set(k, (lines.get(k) || 0) + t.ticks);
  total += t.ticks;
}
const src = fs.readFileSync(process.argv[3], 'utf8').split('\n');
for (const [k, c] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[4] || 30))) {
  console.log(((100 * c) / total).toFixed(1).padStart(5), k.padEnd(24), src[+k.split(':')[1] - 1].trim().slice(0, 90));
}
