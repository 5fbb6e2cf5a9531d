/** @splitsim/channels: channel ends, transports, record codec, trunks, synchronization, profiling counters. */
export { ChannelEnd, newPackr, type ChannelEndOptions } from './channel-end.ts';
export { ChannelCounters, spanNs, wallNs } from './counters.ts';
export { Doorbell, BELL_WORDS, BELL_SEQ, BELL_PARKED } from './doorbell.ts';
export { createRing, RingWriter, RingReader, DEFAULT_RING_BYTES, RING_HEADER_BYTES } from './ring.ts';
export { RingChannelEnd, type RingChannelOptions } from './thread-transport.ts';
export { SocketChannelEnd, listenChannel, connectChannel, MAX_FRAME_BODY, type SocketChannelOptions, type ByteStream } from './socket-transport.ts';
export { listenWsChannel, connectWsChannel, type WsListener, type WsListenOptions } from './ws-transport.ts';
export { tokenProblem, refuseUpgrade, MIN_TOKEN_LENGTH } from './auth.ts';
export { Synchronizer } from './sync.ts';
export { Trunk, Demux, type Inbox } from './trunk.ts';
export * as records from './records.ts';
