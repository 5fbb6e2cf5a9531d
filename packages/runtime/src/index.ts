/** @splitsim/runtime: runs plans (sequentially or as parallel instances) and writes run directories. */
export { buildInstance, type BuiltInstance, type CutLinkEnd } from './build-instance.ts';
export { runSequential, type SequentialResult, type SequentialOptions } from './run-sequential.ts';
export { runParallel, type ParallelOptions, type ParallelResult, type RunStatus } from './run-parallel.ts';
export { Termination, type Verdict } from './termination.ts';
export { type Failure } from './control.ts';
export { writeRunDirectory, defaultRunDirectory, type RunRecord } from './run-directory.ts';
export { runReplication, runBatch, aggregate, estimate, flatten, replicationSeeds, type ReplicationTask, type ReplicationResult, type Aggregate, type Estimate, type BatchOptions, type BatchProgress } from './replications.ts';
export { parseShard, mergeShards, shardFile, inShard, type Shard, type ShardFile, type SweepIdentity } from './sweep-shards.ts';
export { parseGrid, expandGrid, runSweep, sweepCsv, type GridAxis, type SweepOptions, type SweepPoint } from './sweep.ts';
export { writeReport, reportHtml, chartSvg, collectSeries, seriesCsv, csvField as csvFieldOf, type ReportInput, type ReportFigure, type Series } from './report.ts';
export { loadConfig, type LoadedConfig } from './config-file.ts';
export { planCatalog, resolveModule, importModules, checkedCatalog, ensureTypeScript, TS_LOADED } from './modules.ts';
export { planConfig, buildSystem, buildInstantiation, summarize } from './plan-config.ts';
export { startRunner, type Runner, type RunnerOptions } from './runner-server.ts';
export { parseRunners, parseHostPort, parsePortRange, placeOnRunners, type RunnerAddress } from './remote-placement.ts';
export { RUNNER_PROTOCOL, CONTROL_PATH } from './runner-protocol.ts';
