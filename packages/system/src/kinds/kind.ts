import type { ZodType } from 'zod';

/** What a link is, for checking the ports it joins: an Ethernet-like network link or a PCI link. */
export type LinkKind = 'network' | 'pci';

/**
 * A component kind as the system layer knows it: no simulator in it, only what the thing is.
 * Network kinds (host, nic, switch) fix their parameters here, each with its unit and default;
 * the models that simulate them receive the resolved values. Service-level kinds leave their
 * parameters to the chosen model, whose own schema checks them at instantiation.
 */
export interface KindSpec<P extends Record<string, unknown> = any> {
  readonly kind: string;
  readonly description: string;
  /**
   * Parameters: a strict zod schema (unknown keys are errors) whose output is valid input again.
   * Absent: the parameters belong to the model.
   */
  readonly params?: ZodType<P>;
  /**
   * Components of this kind run host applications: their `apps` parameter is a list checked
   * against the applications the run's model modules declare (see AppDecl).
   */
  readonly apps?: boolean;
  /** The ports a component of this kind has. Absent: the model declares them. */
  readonly ports?: {
    /** The link kind the port takes, or undefined when this component has no such port. */
    linkKind(port: string, params: P): LinkKind | undefined;
    /** The ports there are, for messages. */
    list(params: P): string;
  };
}

export function defineKind<P extends Record<string, unknown>>(spec: KindSpec<P>): KindSpec<P> {
  return spec;
}
