/** @splitsim/instantiation: the "how": models, partition, placement, and the plan they resolve to. */
export { instantiate, single, globToRegExp, PlanError, type Group, type PartitionFn, type ModelRule, type Instantiation, type InstantiateOptions, type PlanProblem } from './instantiate.ts';
export { defineConfig, type Config, type Figure } from './config.ts';
export {
  planSchema, placementSchema, planComponentSchema, planLinkSchema, planInstanceSchema, planChannelSchema,
  type Plan, type Placement, type PlanComponent, type PlanLink, type PlanInstance, type PlanChannel,
} from './plan.ts';
export { linear, roundRobin } from './partitions.ts';
