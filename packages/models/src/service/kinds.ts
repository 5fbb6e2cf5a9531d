import { defineKind } from '@splitsim/system';

/**
 * Kinds the service-level models add to the built-in ones (the built-in model module declares
 * them, so every config can use them). Their parameters belong to the models.
 */
export const probeKind = defineKind({ kind: 'probe', description: 'samples metrics of another component at an interval' });
export const networkKind = defineKind({ kind: 'network', description: 'a network element between service stages: transmission, loss, retransmission' });

export const serviceKinds = [probeKind, networkKind];
