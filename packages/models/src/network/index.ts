/** Packet-level network models and the detailed host and NIC, with the routing that feeds them. */

export { PacketSwitch, SWITCH_PORTS } from './switch-packet.ts';
export { ProtocolHost, hostParams, HOST_QUEUE, HOST_TCP, HOST_TSQ } from './host-protocol.ts';
export { DetailedHost, CYCLES, POLL_BUDGET, REFILL_BATCH, DETAILED_TSQ } from '../host/host-detailed.ts';
export { DetailedNic, INTERRUPT_INTERVAL } from '../host/nic-detailed.ts';
export { routeNetwork, networkStep, switchPortIndex, ForwardingTable, groupAt, type Routes, type SwitchNet, type HostNet, type NicNet } from './routing.ts';
export { defineApp, type AppSpec, type AppInstance, type AppHost } from './app.ts';
export { builtinApps, udpSink, udpCbr, udpPoisson, tcpBulk, tcpSink, rpcClient, rpcServer, type AppInput } from './apps/index.ts';
export { queueParams, type QueueParams } from './egress.ts';
export { tcpParams, Tcp, Conn, CC_RENO, CC_DCTCP, type TcpParams } from './tcp.ts';
export { type Packet, makePacket, flowHash, PROTO_TCP, PROTO_UDP, wireSize, UDP_HEADER, TCP_HEADER, ETHERNET_OVERHEAD } from './packet.ts';

