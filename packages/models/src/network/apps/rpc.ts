import { z } from 'zod';
import { units, type Counter, type Quantiles, type StatisticDoc, type Tally } from '@splitsim/kernel';
import { defineApp, type AppHost } from '../app.ts';
import { CC_RENO } from '../tcp.ts';

const port = z.number().int().nonnegative();
const bytes = z.number().int().positive();

interface RpcStats {
  completed: Counter;
  served: Counter;
  latency: Tally;
  quantiles: Quantiles;
}

/** One set per host, which its RPC clients and servers all add to (a server-only host has the client's, empty). */
const RPC_STATISTICS: Readonly<Record<string, StatisticDoc>> = {
  rpcCompleted: { type: 'counter', unit: 'requests', description: "Responses received by the host's RPC clients" },
  rpcServed: { type: 'counter', unit: 'requests', description: "Requests answered by the host's RPC servers" },
  rpcLatency: { type: 'tally', unit: 'ps', description: "Writing a request to receiving its whole response, over the host's RPC clients" },
  rpcLatencyQuantiles: { type: 'quantiles', unit: 'ps', description: 'Percentiles of rpcLatency (within relativeError, 0.78 %)' },
};

/** Clients and servers of one host add to the same RPC figures. */
function rpcStats(host: AppHost): RpcStats {
  const s = host.ctx.stats;
  return host.shared('rpc', () => ({ completed: s.counter('rpcCompleted'), served: s.counter('rpcServed'), latency: s.tally('rpcLatency'), quantiles: s.quantiles('rpcLatencyQuantiles') }));
}

const clientParams = z
  .object({
    /** Path of the host that runs the rpc-server. */
    server: z.string().min(1),
    port: port.default(7000),
    requestSize: bytes.default(64),
    responseSize: bytes.default(1024),
    /** Requests kept outstanding (closed loop). */
    concurrency: z.number().int().positive().default(1),
    start: units.time().default(0),
  })
  .strict();

/**
 * Closed-loop requests over one TCP connection: `concurrency` outstanding, each answered by a
 * response of `responseSize`, the next sent when one returns. A request carries, as its word,
 * the response size it asks for.
 */
export const rpcClient = defineApp({
  type: 'rpc-client',
  description: 'closed-loop RPC requests over TCP to an rpc-server (latency tally and quantiles)',
  protocol: 'tcp',
  params: clientParams,
  statistics: RPC_STATISTICS,
  talksTo: (app) => ({ host: app.server, field: 'server', protocol: 'tcp', port: app.port, answered: true, listener: 'rpc-server' }),
  create(host, app, index) {
    const rpc = rpcStats(host);
    // The send time of each outstanding request: a ring as deep as the concurrency.
    const sentAt = new Float64Array(app.concurrency);
    let issued = 0;
    let answered = 0;
    const request = (c: Parameters<typeof host.tcp.writeMessage>[0]) => {
      sentAt[issued++ % sentAt.length] = host.ctx.now;
      host.tcp.writeMessage(c, app.requestSize, app.responseSize);
    };
    return {
      start() {
        const c = host.tcp.open(host.addressOf(app.server), app.port, CC_RENO, index);
        for (let k = 0; k < app.concurrency; k++) request(c);
      },
      message(c) {
        const latency = host.ctx.now - sentAt[answered++ % sentAt.length]!;
        rpc.latency.add(latency);
        rpc.quantiles.add(latency);
        rpc.completed.value++;
        request(c);
      },
    };
  },
});

/** Answers each request after `serviceTime` of application work on the host's cores. */
export const rpcServer = defineApp({
  type: 'rpc-server',
  description: 'answers RPC requests on a TCP port after serviceTime of work on the host\'s cores',
  protocol: 'tcp',
  statistics: RPC_STATISTICS,
  params: z
    .object({
      port: port.default(7000),
      /** Application time per request. */
      serviceTime: units.time().default(1_000_000),
    })
    .strict(),
  listens: (app) => ({ protocol: 'tcp', port: app.port }),
  create(host, app) {
    const rpc = rpcStats(host);
    return {
      message(c, word) {
        c.pending.push(word);
        host.work(app.serviceTime, c);
      },
      served(c) {
        rpc.served.value++;
        host.tcp.writeMessage(c, c.pending.shift()!, 0);
      },
    };
  },
});
