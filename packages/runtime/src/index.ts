/** @splitsim/runtime: runs plans (in one engine, in-process, or as parallel instances) and writes run directories. */
export { buildInstance, type BuiltInstance, type CutLinkEnd } from './build-instance.ts';
export { runSequential, completed, type Completed, type SequentialOptions } from './run-sequential.ts';
export { runPlan, runPlan as runParallel, type RunOptions, type RunOptions as ParallelOptions } from './run-plan.ts';
export { type RunOutcome, type RunOutcome as ParallelResult, type RunStatus, type Progress, type ProgressListener } from './outcome.ts';
export { Stopper, type StopRequest } from './stopper.ts';
export { type InstanceKind } from './instance-handle.ts';
export { Termination, type Verdict } from './termination.ts';
export { type Failure } from './control.ts';
export { RunDirectory, writeRunDirectory, defaultRunDirectory, metricsJson, type RunRecord } from './run-directory.ts';
export { writeAtomic, fsProblem } from './atomic-write.ts';
export { runReplication, runBatch, aggregate, estimate, flatten, replicationSeeds, type ReplicationTask, type ReplicationResult, type Aggregate, type Estimate, type BatchOptions, type BatchProgress } from './replications.ts';
export { parseGrid, expandGrid, runSweep, sweepCsv, type GridAxis, type SweepOptions, type SweepPoint } from './sweep.ts';
export { writeReport, reportHtml, chartSvg, collectSeries, seriesCsv, csvField as csvFieldOf, type ReportInput, type ReportFigure, type Series } from './report.ts';
export { loadConfig, type LoadedConfig } from './config-file.ts';
export { planCatalog, resolveModule, importModules, checkedCatalog, ensureTypeScript, TS_LOADED } from './modules.ts';
export { planConfig, buildSystem, buildInstantiation, summarize } from './plan-config.ts';
