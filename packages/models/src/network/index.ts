/** Packet-level network models and the detailed host and NIC, with the routing that feeds them. */
import type { ComponentClass } from '@splitsim/kernel';
import { PacketSwitch } from './switch-packet.ts';
import { ProtocolHost } from './host-protocol.ts';
import { DetailedHost } from '../host/host-detailed.ts';
import { DetailedNic } from '../host/nic-detailed.ts';

export { PacketSwitch, SWITCH_PORTS } from './switch-packet.ts';
export { ProtocolHost, hostParams, HOST_QUEUE, HOST_TCP, HOST_TSQ } from './host-protocol.ts';
export { DetailedHost, CYCLES, POLL_BUDGET, REFILL_BATCH, DETAILED_TSQ } from '../host/host-detailed.ts';
export { DetailedNic, INTERRUPT_INTERVAL } from '../host/nic-detailed.ts';
export { routeNetwork, networkKinds, switchPortIndex, ForwardingTable, type RoutedSystem, type RouteOptions, type RouteSummary, type SwitchNet, type HostNet } from './routing.ts';
export { queueParams, type QueueParams } from './egress.ts';
export { tcpParams, type TcpParams } from './tcp.ts';
export { type Packet, PROTO_TCP, PROTO_UDP, wireSize, UDP_HEADER, TCP_HEADER, ETHERNET_OVERHEAD } from './packet.ts';

/** The models this directory adds to the registry. */
export const networkModels: readonly ComponentClass[] = [PacketSwitch, ProtocolHost, DetailedHost, DetailedNic] as unknown as ComponentClass[];
