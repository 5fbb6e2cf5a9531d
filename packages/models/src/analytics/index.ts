/** Queueing formulas the simulations are checked against. */
export { erlangB, erlangC, mmc, mmck, type MmcResult, type MmckResult } from './erlang.ts';
export { mmcNonPreemptivePriority, mmcPreemptivePriority, type PriorityClassResult } from './priority.ts';
export { allenCunneenWait, kingmanWait, whittWait, mmcWait, type GgcInput } from './mgc.ts';
export { tandem, type TandemInput, type TandemResult } from './tandem.ts';
export { cavityPush, cavityPull, cavityWaterFilling, cavityResourcePooling, type CavityResult } from './cavity.ts';
