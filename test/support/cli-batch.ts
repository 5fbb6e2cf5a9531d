/**
 * `node --import tsx test/support/cli-batch.ts in.json out.json`: runs the `splitsim` commands
 * listed in in.json ([{ id, args }]) one after the other in this process, and writes
 * [[id, { status, stdout, stderr }]] to out.json. See cli-inprocess.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cli, type BatchCase, type CliResult } from './cli-inprocess.ts';

const [input, output] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(input!, 'utf8')) as BatchCase[];
const results: Array<[string, CliResult]> = [];
for (const c of cases) results.push([c.id, await cli(...c.args)]);
writeFileSync(output!, JSON.stringify(results));
// Worker pools and timers of the commands must not keep the batch alive.
process.exit(0);
