// Preloaded by bench/paired.ts into each benchmark process: on exit, the process's CPU time (all
// threads, user + system), which a loaded shared machine disturbs far less than wall time.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ncpu-usage ${JSON.stringify({ user: u.user / 1e6, system: u.system / 1e6 })}\n`);
});
