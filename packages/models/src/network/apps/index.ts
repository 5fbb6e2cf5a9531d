/** The built-in host applications, in the order `splitsim models` lists them. */
import type { z } from 'zod';
import type { AppSpec } from '../app.ts';
import { rpcClient, rpcServer } from './rpc.ts';
import { tcpBulk, tcpSink } from './tcp-bulk.ts';
import { udpCbr, udpPoisson, udpSink } from './udp.ts';

export { udpSink, udpCbr, udpPoisson, tcpBulk, tcpSink, rpcClient, rpcServer };

export const builtinApps: readonly AppSpec[] = [udpSink, udpCbr, udpPoisson, tcpBulk, tcpSink, rpcClient, rpcServer];

type Input<A extends { params: z.ZodType }, T extends string> = { type: T } & z.input<A['params']>;

/** A built-in application as a config writes it in a host's `apps` (types for editors; hosts take any declared type). */
export type AppInput =
  | Input<typeof udpSink, 'udp-sink'>
  | Input<typeof udpCbr, 'udp-cbr'>
  | Input<typeof udpPoisson, 'udp-poisson'>
  | Input<typeof tcpBulk, 'tcp-bulk'>
  | Input<typeof tcpSink, 'tcp-sink'>
  | Input<typeof rpcClient, 'rpc-client'>
  | Input<typeof rpcServer, 'rpc-server'>;
