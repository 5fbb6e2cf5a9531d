/** @splitsim/system: the system-configuration API (the "what"). */
export { System, ComponentHandle, type ComponentDecl, type LinkDecl, type LinkOptions, type PortRef, type SystemOptions } from './system.ts';
export { FaultSchedule, type FaultDecl, type FaultTarget } from './faults.ts';
export { appList, type AppDecl, type AppPeer, type AppEndpoint, type AppData } from './kinds/apps.ts';
export type { ResolvedSystem, SystemExtensions } from './resolve.ts';
export { type Problem, paramProblems, fieldPath, closest } from './problems.ts';
export { defineKind, type KindSpec, type LinkKind } from './kinds/kind.ts';
export { builtinKinds } from './kinds/index.ts';
export { host, hostParams, type HostParams, type HostInput } from './kinds/host.ts';
export { nic, nicParams, type NicParams, type NicInput } from './kinds/nic.ts';
export { switchKind, switchParams, switchPort, type SwitchParams, type SwitchInput } from './kinds/switch.ts';
export { source, server, loadBalancer, client, sink, phold } from './kinds/service.ts';
export { frequency, size, capacity, parseFrequency, parseSize, formatFrequency, formatSize, formatCapacity, type Capacity } from './units.ts';
export { datacenter, hostPath, type DatacenterOptions, type Datacenter, type HostSlot } from './topologies/datacenter.ts';
export type { HostChoices } from './topologies/attach.ts';
export { fatTree, type FatTreeOptions, type FatTree, type FatTreeSlot } from './topologies/fat-tree.ts';
export { leafSpine, type LeafSpineOptions, type LeafSpine, type LeafSpineSlot } from './topologies/leaf-spine.ts';
export { defineStep, type StepSpec, type StepInput, type StepResult, type StepComponent, type StepLink, type Silence } from './step.ts';
