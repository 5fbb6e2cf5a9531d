/**
 * The models the reference adapters implement, declared for our side: name, kinds, ports,
 * parameters (checked when a plan is made) and the statistics they report. No code of theirs
 * runs here; a config lists this module and places their components with external(...):
 *
 *   modules: ['../adapters/models.ts'],
 *   placement: (i) => (i.name === 'servers' ? external(['python3', 'adapters/python/fifo_server.py']) : 'thread'),
 *
 * adapters/python/fifo_server.py and adapters/c/fifo_server implement external.fifo alike,
 * operation for operation: for the same seed they write the same bytes.
 */
import { defineExternalModel, units, z } from 'splitsim';

export const ExternalFifo = defineExternalModel({
  model: 'external.fifo',
  kinds: ['server'],
  description: 'One server and a FIFO line, exponential or deterministic service, in an external adapter (adapters/python, adapters/c)',
  ports: ['in', 'out'],
  params: z
    .object({
      /** Service time law: exponential (M/M/1 with Poisson arrivals) or deterministic (M/D/1). */
      service: z.enum(['exponential', 'deterministic']).default('exponential'),
      /** Mean service time. */
      mean: units.time(),
    })
    .strict(),
  statistics: {
    wait: { type: 'tally', unit: 'ps', description: 'time from arrival to the start of service' },
    response: { type: 'tally', unit: 'ps', description: 'time from arrival to departure' },
    responseBatchMeans: { type: 'batchMeans', unit: 'ps', description: 'response time: batch means and the 95 % half-width' },
    served: { type: 'counter', unit: 'jobs', description: 'jobs that left after service' },
  },
});
