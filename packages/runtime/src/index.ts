/** @splitsim/runtime: runs plans and writes run directories. */
export { buildInstance, type BuiltInstance, type CutLinkEnd } from './build-instance.ts';
export { runSequential, type SequentialResult, type SequentialOptions } from './run-sequential.ts';
export { writeRunDirectory, defaultRunDirectory, type RunRecord } from './run-directory.ts';
