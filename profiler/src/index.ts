/**
 * @splitsim/profiler: reads the profile logs of a run directory (docs/profile-format.md), computes
 * simulation speed and per-instance efficiency, builds the wait-time profile graph (WTPG), names
 * the bottleneck, and writes wtpg.json, wtpg.dot, wtpg.svg and wtpg.html. It imports nothing from
 * the kernel or the runtime: the log format is its only contract.
 */
export { profileRun, analyseRun, type ProfileOptions, type ProfileSummary } from './profile-run.ts';
export { ProfileError, type ProfileErrorCode, type ProfileProblem } from './errors.ts';
export { parseLog, readLog, LOG_VERSION, LOG_VERSIONS, type InstanceLog, type Sample, type ChannelEndSample, type CostSample, type RunStatus } from './read-log.ts';
export { readRun, profileDirectory, type RunInfo } from './read-run.ts';
export { trimSamples, DEFAULT_WARMUP, DEFAULT_COOLDOWN, type TrimOptions, type SampleWindow } from './trim.ts';
export { computeMetrics, type Metrics, type MetricsOptions, type InstanceFigures, type ChannelEndFigures, type SpeedFigures } from './metrics.ts';
export { findBottlenecks, waitByPeer, type Findings, type FindingsOptions, type NeighbourWait } from './findings.ts';
export { advise, type Advice, type AdviceKind } from './advice.ts';
export { buildWtpg, wtpgJson, edgeKey, type Wtpg, type WtpgJson, type WtpgNode, type WtpgEdge, type Role } from './wtpg.ts';
export { toDot, layoutEngine, type DotOptions } from './dot.ts';
export { renderSvg } from './svg.ts';
export { toHtml } from './html.ts';
export { summaryText } from './summary-text.ts';
export { waitColour, colourScale, colourStops, type ColourScale } from './colour.ts';
export { measureCosts, type RunCosts, type ComponentCost, type LinkCost, type MeasuredChannelCosts } from './costs.ts';
export { readTopology, type Topology } from './topology.ts';
export { predict, channelCosts, expectedMax, type PredictOptions, type Candidate, type CandidateGroup, type Prediction, type InstancePrediction } from './cost-model.ts';
export { DEFAULT_MACHINE, loadMachine, type Machine } from './machine.ts';
export { partitionGraph, buildGraph, type WeightedGraph, type PartitionOptions } from './partitioner.ts';
export { patternsFor, pathTrie, ranges, type Patterns } from './globs.ts';
export { partitionFileText, type PartitionFileDoc, type PartitionFileInstance } from './partition-file.ts';
export { rebalance, proposeGroups, nameGroups, currentCandidate, contractFixed, fileOf, patternNames, type RebalanceOptions, type Proposal, type Move } from './rebalance.ts';
export { speedShort as speedShortOf, speedLong as speedLongOf, percent as percentOf } from './format.ts';
