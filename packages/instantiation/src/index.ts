/** @splitsim/instantiation: the "how": models, partition, placement, and the plan they resolve to. */
export { instantiate, type Instantiation, type InstantiateOptions } from './instantiate.ts';
export { PlanError, type PlanProblem } from './problems.ts';
export { globToRegExp } from './glob.ts';
export { catalogOf, systemExtensions, type Catalog, type CatalogModel, type ModelCatalog, type ModuleRef, type LoadedModule } from './catalog.ts';
export { builtinCatalog, builtinLoaded } from './builtin-catalog.ts';
export { chooseModels, type ModelRule } from './models.ts';
export { type ChannelInfo, type SyncChoice } from './channels.ts';
export { thread, childProcess, remote, external, type ExternalOptions, type PlacementChoice, type InstanceInfo } from './placement.ts';
export { type Group, type PartitionFn, type PartitionContext } from './partitions/types.ts';
export { single, linear, roundRobin, manual, type ManualOptions } from './partitions/basic.ts';
export { s, ab, ac, cr, crK, rs, byPod, byRack } from './partitions/datacenter.ts';
export { balanced, defaultLoad, type BalancedOptions } from './partitions/balanced.ts';
export { defineConfig, statistic, type Config, type ConfigInput, type Figure } from './config.ts';
export {
  planSchema, placementSchema, planComponentSchema, planLinkSchema, planInstanceSchema, planChannelSchema, planModuleSchema, planModelSchema, planRecordSchema, planFaultsSchema,
  type Plan, type PlanFaults, type Placement, type PlanComponent, type PlanLink, type PlanInstance, type PlanChannel, type PlanModule, type PlanModel, type PlanRecord,
} from './plan.ts';
export { resolveFaults, planFaultSource } from './faults.ts';
export { parsePlan, serializePlan, checkPlan } from './plan-io.ts';
export { planGraph, planToDot, type PlanGraph } from './plan-graph.ts';
export { summarizePlan, type PlanSummary } from './summary.ts';
export { readPartitionFile, partitionFromFile, partitionFileSchema, type PartitionFile } from './partitions/partition-file.ts';
export { describeParams, type ParamInfo } from './describe.ts';
