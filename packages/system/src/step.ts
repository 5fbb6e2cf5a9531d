import type { AppDecl } from './kinds/apps.ts';
import type { Problem } from './problems.ts';
import type { PortRef } from './system.ts';

/**
 * An instantiation step: derived data a family of models needs that no single component can
 * compute from its own parameters (a network's addresses and forwarding tables), computed from
 * the system and the model choice while the plan is resolved. The system is never changed: what
 * a step returns goes into the plan. Model modules export steps with defineStep.
 */
export interface StepSpec {
  readonly step: string;
  readonly description: string;
  derive(input: StepInput): StepResult;
}

export interface StepComponent {
  readonly id: number;
  readonly path: string;
  readonly kind: string;
  /** Roles of the model chosen for it (ComponentSpec.roles), empty when none is chosen. */
  readonly roles: readonly string[];
  /** Its parameters, resolved by its kind (host applications checked). */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface StepLink {
  readonly id: number;
  readonly a: PortRef;
  readonly b: PortRef;
  /** Picoseconds. */
  readonly latency: number;
  /** Bits per second, for network links. */
  readonly bandwidth?: number;
}

export interface StepInput {
  readonly components: readonly StepComponent[];
  readonly links: readonly StepLink[];
  /** The host applications the run's modules declare, by type. */
  readonly apps: ReadonlyMap<string, AppDecl>;
}

/** Link ends that never send (see the plan's `silent`). */
export type Silence = 'a' | 'b' | 'both';

export interface StepResult {
  /** Parameters to add, by component id: each key joins the component's parameters in the plan. */
  params?: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Per link, the ends that never send, where the step proved it; the runtime asks no promises of them. */
  silent?: ReadonlyArray<Silence | null>;
  problems?: readonly Problem[];
}

export function defineStep(spec: StepSpec): StepSpec {
  return spec;
}
