/** @splitsim/kernel: the sequential engine every instance runs. */
export { SplitSimError, SimulationError, type ErrorCode } from './errors.ts';
export {
  type Time, MAX_TIME, PS, NS, US, MS, SEC,
  checkTime, parseTime, formatTime, parseRate, formatRate, serializationTime, toSeconds,
} from './time.ts';
export { EventQueue, ORDER_BASE, ORDER_SEQ_BITS, MAX_COMPONENT_ID } from './queue.ts';
export { Rng } from './rng.ts';
export { Component, defineSpec, type ComponentSpec, type ComponentClass, type StatisticDoc } from './component.ts';
export { defineExternalModel } from './external-model.ts';
export { Context, Port, type RemoteLink, type Logger } from './context.ts';
export { FAULT_STATISTICS, type CrashWindow, type LinkFaultWindow, type FaultSource } from './faults.ts';
export { runEnd, type EndFacts, type RunEnd } from './run-end.ts';
export { Engine, type Handler, type EngineOptions, type StopCondition, type StopReason, type RunResult, type ComponentMetrics } from './engine.ts';
export { Counter, Tally, TALLY, tallyAdd, tallyStart, type TallySlots } from './stats/tally.ts';
export { TimeWeighted, type Clock } from './stats/time-weighted.ts';
export { TimeSeries } from './stats/time-series.ts';
export { Quantiles, QUANTILE_RELATIVE_ERROR } from './stats/quantiles.ts';
export { BatchMeans } from './stats/batch-means.ts';
export { Statistics, type Statistic } from './stats/statistics.ts';
export { normalQuantile, studentTQuantile } from './stats/student-t.ts';
export * as units from './schemas.ts';
