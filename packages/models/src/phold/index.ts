/** PHOLD, the standard parallel-simulation benchmark. */
export { PholdNode, PHOLD_LEVELS } from './phold-node.ts';
