import { z } from 'zod';

/**
 * The resolved plan: plain JSON that says which model simulates each component, which instance
 * holds it, where the instance runs, and which channel carries each cut link. Runners execute
 * plans; they never execute code that came with one.
 * Times are integer picoseconds; bandwidths bits per second.
 */
const id = z.number().int().nonnegative();
const ps = z.number().int().nonnegative();

export const placementSchema = z
  .object({
    kind: z.enum(['thread', 'process', 'remote', 'external']),
    /** For remote placement: the runner's name. */
    runner: z.string().optional(),
    /**
     * For external placement: the program and its arguments (argv, no shell). It speaks
     * docs/external-protocol.md and implements the instance's models itself.
     */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** External: environment variables added to the orchestrator's. */
    env: z.record(z.string(), z.string()).optional(),
    /** External: working directory (default: the orchestrator's). */
    cwd: z.string().min(1).optional(),
    /** External: wall-clock milliseconds it has to say HELLO and READY, and later CONNECTED. */
    startTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export const planComponentSchema = z
  .object({
    id,
    path: z.string().min(1),
    kind: z.string().min(1),
    model: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
    instance: id,
  })
  .strict();

const portRefSchema = z.object({ component: id, port: z.string().min(1) }).strict();

export const planLinkSchema = z
  .object({
    id,
    a: portRefSchema,
    b: portRefSchema,
    latency: ps,
    bandwidth: z.number().positive().optional(),
    noCut: z.boolean(),
    /** Network or PCI link, where the system says (absent: a plain link with a latency). */
    kind: z.enum(['network', 'pci']).optional(),
    /** The channel that carries it when the partition cuts it, else null. */
    channel: id.nullable(),
    /** Ends that never send on it (the system's traffic analysis says): no promises from them. */
    silent: z.enum(['a', 'b', 'both']).optional(),
  })
  .strict();

export const planInstanceSchema = z
  .object({
    id,
    name: z.string().min(1),
    components: z.array(id),
    placement: placementSchema,
  })
  .strict();

/** A model module the plan's instances read: its specifier as the config names it, and where it resolved here (none for the built-in one). */
export const planModuleSchema = z.object({ specifier: z.string().min(1), url: z.string().min(1).optional() }).strict();

/** A model the plan uses, and the specifier of the module that provides it. */
export const planModelSchema = z.object({ name: z.string().min(1), module: z.string().min(1) }).strict();

export const planChannelSchema = z
  .object({
    id,
    name: z.string().min(1),
    a: id,
    b: id,
    links: z.array(id),
    /** Smallest latency among its links, ps. */
    lookahead: ps,
    /** Longest silence before a sync message, ps; never above the lookahead. */
    syncInterval: ps,
  })
  .strict();

/**
 * What a run records beyond its statistics (`splitsim run --record`): models find it through
 * their context (`ctx.extension('record', 'links')`), so nothing is recorded, and nothing costs,
 * when a plan has none. Network models sample every link's utilisation and queue each `interval`
 * until `until`, hosts keep flow completion times, and quantile sketches give their whole
 * distribution in metrics.json.
 */
export const planRecordSchema = z
  .object({
    /** Time between link samples, ps. */
    interval: ps.refine((t) => t > 0, 'interval must be > 0'),
    /** Last sample time, ps (the run's end): sampling stops there, so a recorded run still ends by itself. */
    until: ps,
  })
  .strict();

/**
 * The fault schedule, resolved: per component, the windows it is down; per link, segments of
 * faults that do not overlap (down, a loss probability, an extra delay). `until` absent: for the
 * rest of the run. Seeded crash processes are already drawn, so every instance reads the same.
 */
export const planFaultsSchema = z
  .object({
    crashes: z.array(z.object({ component: id, windows: z.array(z.object({ from: ps, until: ps.optional() }).strict()).min(1) }).strict()),
    links: z.array(
      z
        .object({
          link: id,
          windows: z.array(z.object({ from: ps, until: ps.optional(), down: z.boolean(), loss: z.number().min(0).max(1), delay: ps }).strict()).min(1),
        })
        .strict(),
    ),
  })
  .strict();

export const planSchema = z
  .object({
    version: z.literal(2),
    config: z.string(),
    /** The system's name. */
    system: z.string().optional(),
    instantiation: z.string(),
    seed: z.number().int(),
    /** Every model module of the run, the built-in one first: instances read them all (applications and steps come from them too). */
    modules: z.array(planModuleSchema).min(1),
    models: z.array(planModelSchema),
    components: z.array(planComponentSchema),
    links: z.array(planLinkSchema),
    instances: z.array(planInstanceSchema),
    channels: z.array(planChannelSchema),
    record: planRecordSchema.optional(),
    /** Absent when the system declares no faults. */
    faults: planFaultsSchema.optional(),
  })
  .strict();

export type Placement = z.infer<typeof placementSchema>;
export type PlanModule = z.infer<typeof planModuleSchema>;
export type PlanModel = z.infer<typeof planModelSchema>;
export type PlanComponent = z.infer<typeof planComponentSchema>;
export type PlanLink = z.infer<typeof planLinkSchema>;
export type PlanInstance = z.infer<typeof planInstanceSchema>;
export type PlanChannel = z.infer<typeof planChannelSchema>;
export type PlanFaults = z.infer<typeof planFaultsSchema>;
export type Plan = z.infer<typeof planSchema>;
export type PlanRecord = z.infer<typeof planRecordSchema>;
