/**
 * `node --import tsx test/support/cli-batch.ts in.json out.json`: runs the `splitsim` commands
 * listed in in.json ([{ id, args }]) one after the other in this process, and writes
 * [[id, { status, stdout, stderr }]] to out.json. See cli-inprocess.ts.
 *
 * `… cli-batch.ts --serve`: a helper of cli-pool.ts. It reads one JSON line per job from stdin
 * ({ id, cases: [{ args, cwd }] }), runs the job's commands one after the other, each in its
 * folder, and writes { id, results } as one JSON line to fd 3 (stdout belongs to the commands).
 */
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { cli, type BatchCase, type CliResult } from './cli-inprocess.ts';

if (process.argv[2] === '--serve') {
  const home = process.cwd();
  for await (const line of createInterface({ input: process.stdin })) {
    const job = JSON.parse(line) as { id: number; cases: Array<{ args: string[]; cwd?: string }> };
    const results: CliResult[] = [];
    for (const c of job.cases) {
      process.chdir(c.cwd ?? home);
      try {
        results.push(await cli(...c.args));
      } finally {
        process.chdir(home);
      }
    }
    writeSync(3, `${JSON.stringify({ id: job.id, results })}\n`);
  }
} else {
  const [input, output] = process.argv.slice(2);
  const cases = JSON.parse(readFileSync(input!, 'utf8')) as BatchCase[];
  const results: Array<[string, CliResult]> = [];
  for (const c of cases) results.push([c.id, await cli(...c.args)]);
  writeFileSync(output!, JSON.stringify(results));
}
// Worker pools and timers of the commands must not keep the batch alive.
process.exit(0);
