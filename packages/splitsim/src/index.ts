/**
 * splitsim: everything a config or a model module needs, from one import. The internal
 * packages keep their layering (kernel → system → instantiation → runtime, models beside);
 * this is their public face, and our own configs and models use nothing else.
 */
export { z } from 'zod';

// Time, components, their context and statistics (kernel).
export {
  SplitSimError, SimulationError, type ErrorCode,
  type Time, MAX_TIME, PS, NS, US, MS, SEC, parseTime, formatTime, parseRate, formatRate, serializationTime, toSeconds,
  Component, defineSpec, defineExternalModel, type ComponentSpec, type ComponentClass, type StatisticDoc, Context, Port, type Handler, type Logger, type ComponentMetrics,
  Rng, Counter, Tally, TimeWeighted, TimeSeries, Quantiles, BatchMeans, Statistics, type Statistic, normalQuantile, studentTQuantile,
  units,
} from '@splitsim/kernel';

// What is simulated (system).
export {
  System, ComponentHandle, type ComponentDecl, type LinkDecl, type LinkOptions, type PortRef, type SystemOptions, type ResolvedSystem,
  defineKind, type KindSpec, type LinkKind, builtinKinds, host, nic, switchKind, switchPort, source, server, loadBalancer, client, sink, phold,
  hostParams as hostKindParams, nicParams, switchParams, type HostParams, type HostInput, type NicParams, type NicInput, type SwitchParams, type SwitchInput,
  type AppDecl, type AppPeer, type AppEndpoint, type AppData,
  FaultSchedule, type FaultDecl, type FaultTarget,
  defineStep, type StepSpec, type StepInput, type StepResult, type StepComponent, type StepLink, type Silence,
  frequency, size, capacity, parseFrequency, parseSize, formatFrequency, formatSize, formatCapacity, type Capacity,
  datacenter, hostPath, fatTree, leafSpine, type DatacenterOptions, type Datacenter, type HostSlot, type FatTreeOptions, type FatTree, type FatTreeSlot, type LeafSpineOptions, type LeafSpine, type LeafSpineSlot, type HostChoices,
  type Problem,
} from '@splitsim/system';

// How it is simulated (instantiation).
export {
  defineConfig, type Config, type ConfigInput, type Figure, statistic,
  instantiate, type Instantiation, type InstantiateOptions, type ModelRule, PlanError, type PlanProblem,
  single, linear, roundRobin, manual, s, ab, ac, cr, crK, rs, byPod, byRack, balanced, type ManualOptions, type BalancedOptions, type Group, type PartitionFn, type PartitionContext,
  thread, childProcess, remote, external, type ExternalOptions, type PlacementChoice, type InstanceInfo, type SyncChoice, type ChannelInfo,
  type Plan, type PlanFaults, parsePlan, serializePlan, type Catalog, type ModuleRef,
} from '@splitsim/instantiation';

// The built-in models and what a model writer reuses of them (models).
export {
  defineApp, type AppSpec, type AppInstance, type AppHost, type AppInput,
  type Packet, makePacket, flowHash, wireSize, PROTO_TCP, PROTO_UDP, UDP_HEADER, TCP_HEADER, ETHERNET_OVERHEAD,
  Tcp, Conn, CC_RENO, CC_DCTCP, tcpParams, type TcpParams, routeNetwork, switchPortIndex, type SwitchNet, type HostNet, type NicNet,
  PoissonSource, FifoServer, LatencySink, PacketSwitch, ProtocolHost, DetailedHost, DetailedNic, PholdNode,
  ProfileSource, QueueServer, ServerBank, StatsSink, Probe, LoadAwareClient, Transmitter, Loss,
  RandomLb, RoundRobinLb, HashLb, JsqLb, JsqDLb, LlDLb, PushLb, PullLb, WaterFillingLb, PoolingLb,
  Distribution, Deterministic, Uniform, Exponential, Erlang, Hyperexponential, HyperErlang, PhaseType, Pareto, Lognormal, Weibull, Empirical,
  distribution, distributionSchema, type DistributionSpec,
  erlangB, erlangC, mmc, mmck, type MmcResult, type MmckResult, mmcNonPreemptivePriority, mmcPreemptivePriority, allenCunneenWait, kingmanWait, whittWait, mmcWait,
  tandem, cavityPush, cavityPull, cavityWaterFilling, cavityResourcePooling, type CavityResult, type GgcInput, type TandemInput, type TandemResult,
  PHOLD_LEVELS, BUILTIN_MODULE, protocol as serviceProtocol,
} from '@splitsim/models';

// Running plans from a script (runtime).
export { loadConfig, planCatalog, runPlan, runSequential, runParallel, completed, Stopper, type RunOutcome, type RunOptions, type Progress, type LoadedConfig } from '@splitsim/runtime';
