import { z } from 'zod';
import { units, type Counter, type Quantiles, type Tally } from '@splitsim/kernel';
import { defineApp } from '../app.ts';
import { CC_DCTCP, CC_RENO } from '../tcp.ts';

const port = z.number().int().nonnegative();

/** Accepts TCP connections on a port and takes whatever arrives (tcpDeliveredBytes counts it). */
export const tcpSink = defineApp({
  type: 'tcp-sink',
  description: 'accepts TCP connections on a port and consumes their data',
  protocol: 'tcp',
  params: z.object({ port: port.default(5001) }).strict(),
  listens: (app) => ({ protocol: 'tcp', port: app.port }),
  create: () => ({}),
});

const bulkParams = z
  .object({
    /** Path of the host that receives (it runs a tcp-sink on `port`). */
    dst: z.string().min(1),
    port: port.default(5001),
    /** Bytes to send; unlimited (until the run ends) by default. */
    bytes: z.number().int().positive().optional(),
    start: units.time().default(0),
    /** Congestion control: NewReno, or DCTCP (ECN). */
    congestion: z.enum(['reno', 'dctcp']).default('reno'),
  })
  .strict();

/** One TCP connection that sends `bytes` (or without end); finished flows count their completion time. */
export const tcpBulk = defineApp({
  type: 'tcp-bulk',
  description: 'one TCP bulk transfer to a host (NewReno or DCTCP), finite or until the run ends',
  protocol: 'tcp',
  params: bulkParams,
  statistics: {
    tcpFlowsDone: { type: 'counter', unit: 'flows', description: "Finite flows (with bytes) of the host's tcp-bulk applications whose every byte was acknowledged" },
    tcpFlowCompletion: { type: 'tally', unit: 'ps', description: 'Flow completion time: opening the connection to the last byte acknowledged, per finished flow' },
    tcpFlowCompletionQuantiles: { type: 'quantiles', unit: 'ps', description: 'Recorded runs (--record): percentiles and the whole distribution of tcpFlowCompletion' },
  },
  talksTo: (app) => ({ host: app.dst, field: 'dst', protocol: 'tcp', port: app.port, answered: true, listener: 'tcp-sink' }),
  create(host, app, index) {
    const s = host.ctx.stats;
    // A recorded run (--record) also keeps the completion times' distribution, for report.html's CDF.
    const flows = host.shared<{ done: Counter; completion: Tally; quantiles: Quantiles | null }>('tcp-bulk', () => ({
      done: s.counter('tcpFlowsDone'),
      completion: s.tally('tcpFlowCompletion'),
      quantiles: host.ctx.extension('record', 'flows') ? s.quantiles('tcpFlowCompletionQuantiles') : null,
    }));
    return {
      start() {
        const c = host.tcp.open(host.addressOf(app.dst), app.port, app.congestion === 'dctcp' ? CC_DCTCP : CC_RENO, index);
        host.tcp.write(c, app.bytes ?? Infinity);
      },
      drained(c) {
        if (app.bytes === undefined) return;
        flows.done.value++;
        flows.completion.add(host.ctx.now - c.opened);
        flows.quantiles?.add(host.ctx.now - c.opened);
      },
    };
  },
});
