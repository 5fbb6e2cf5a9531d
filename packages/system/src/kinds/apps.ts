import { z } from 'zod';
import { units } from '@splitsim/kernel';

/**
 * Applications a host runs, as system-level data (no model choice in them). Protocol-level and
 * detailed host models both read these. Destinations name other components by path.
 * Sizes are bytes of payload; rates are bits per second of payload; times are picoseconds.
 */
const dst = z.string().min(1);
const bytes = z.number().int().positive();

export const udpSinkApp = z.object({ type: z.literal('udp-sink'), port: z.number().int().nonnegative().default(9) }).strict();

export const udpCbrApp = z
  .object({
    type: z.literal('udp-cbr'),
    dst,
    port: z.number().int().nonnegative().default(9),
    rate: units.rate(),
    size: bytes.default(1448),
    start: units.time().default(0),
    stop: units.time().optional(),
  })
  .strict();

export const udpPoissonApp = udpCbrApp.extend({ type: z.literal('udp-poisson') }).strict();

export const tcpBulkApp = z
  .object({
    type: z.literal('tcp-bulk'),
    dst,
    port: z.number().int().nonnegative().default(5001),
    /** Bytes to send; unlimited (until the run ends) by default. */
    bytes: bytes.optional(),
    start: units.time().default(0),
    congestion: z.enum(['reno', 'dctcp']).default('reno'),
  })
  .strict();

export const tcpSinkApp = z.object({ type: z.literal('tcp-sink'), port: z.number().int().nonnegative().default(5001) }).strict();

export const rpcClientApp = z
  .object({
    type: z.literal('rpc-client'),
    server: dst,
    port: z.number().int().nonnegative().default(7000),
    requestSize: bytes.default(64),
    responseSize: bytes.default(1024),
    /** Requests kept outstanding (closed loop). */
    concurrency: z.number().int().positive().default(1),
    start: units.time().default(0),
  })
  .strict();

export const rpcServerApp = z
  .object({
    type: z.literal('rpc-server'),
    port: z.number().int().nonnegative().default(7000),
    /** Application time per request. */
    serviceTime: units.time().default(1_000_000),
  })
  .strict();

export const appSchema = z.discriminatedUnion('type', [udpSinkApp, udpCbrApp, udpPoissonApp, tcpBulkApp, tcpSinkApp, rpcClientApp, rpcServerApp]);

export type App = z.output<typeof appSchema>;
export type AppInput = z.input<typeof appSchema>;
