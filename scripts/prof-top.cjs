// Prints the functions with the most self time in a .cpuprofile: node scripts/prof-top.cjs <dir|file> [n]
const fs = require('fs');
const path = require('path');
let f = process.argv[2];
if (fs.statSync(f).isDirectory()) f = path.join(f, fs.readdirSync(f).filter((x) => x.endsWith('.cpuprofile')).map((x) => [fs.statSync(path.join(f, x)).size, x]).sort((a, b) => a[0] - b[0]).pop()[1]);
const p = JSON.parse(fs.readFileSync(f));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (const s of p.samples) {
  const n = byId.get(s);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  self.set(k, (self.get(k) || 0) + 1);
  total++;
}
for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[3] || 25))) console.log((100 * c / total).toFixed(1).padStart(5), k);
