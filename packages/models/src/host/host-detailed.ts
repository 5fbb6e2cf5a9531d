import type { z } from 'zod';
import { Component, defineSpec, SplitSimError } from '@splitsim/kernel';
import { HOST_QUEUE, HOST_TCP, hostParams } from '../network/host-protocol.ts';
import { pppSize, type Packet } from '../network/packet.ts';
import { Stack, STACK_STATISTICS } from '../network/stack.ts';
import type { Conn } from '../network/tcp.ts';
import { Cpu, CPU_STATISTICS } from './cpu.ts';
import {
  PCI_DMA_DATA, PCI_DMA_READ, PCI_INTERRUPT, PCI_RING_SIZE, PCI_RX_DATA, PCI_RX_REFILL, PCI_TX_DOORBELL, PCI_TX_DONE,
  pciMessage, pciType, pciValue,
} from './pci.ts';

/**
 * CPU cycles per operation of a Linux-like stack (no segmentation or receive offload). They are
 * charged at the host's clock, so a 3 GHz core spends 500 ns to send a full segment.
 */
export const CYCLES = {
  /** Send one segment or datagram with payload: socket, TCP/IP, qdisc, driver. */
  txData: 1500,
  /** Send a bare acknowledgement. */
  txAck: 600,
  /** Receive one segment or datagram with payload, up to the socket. */
  rxData: 2100,
  /** Receive a bare acknowledgement. */
  rxAck: 900,
  /** Take an interrupt and schedule the poll. */
  interrupt: 3000,
} as const;

/** Packets a poll handles before yielding the core (NAPI's budget). */
export const POLL_BUDGET = 64;
/** Receive buffers are posted back to the NIC in batches of this many. */
export const REFILL_BATCH = 16;
/** TCP data waits while this many packets are between the socket and the wire (work, qdisc, ring). */
export const DETAILED_TSQ = 32;

const TX = 1;
const POLL = 2;
const RX = 3;
const APP = 4;

/**
 * A host simulated in detail, like a gem5 or QEMU host in SimBricks: CPU cores that run the
 * protocol stack (a per-packet cost to send and to receive), interrupt handling and a NAPI-style
 * poll, application work (an RPC server's time per request), and a NIC driver that talks to a
 * separate NIC model over a PCI link: transmit descriptors and doorbells, DMA reads answered
 * from host memory, receive buffers the NIC fills by DMA. It runs the same applications and
 * TCP/UDP stack as host.protocol, but each packet costs several events and real CPU time.
 */
export class DetailedHost extends Component<z.output<typeof hostParams>> {
  static readonly spec = defineSpec({
    model: 'host.detailed',
    kinds: ['host'],
    roles: ['host'],
    description: 'Host with CPU cores, per-packet stack cost, interrupts and NAPI polling, and a NIC driver over PCI (use with nic.detailed)',
    ports: ['pci'],
    params: hostParams,
    statistics: {
      packetsSent: { type: 'counter', unit: 'packets', description: 'Packets the stack handed down to the send path' },
      rxPackets: { type: 'counter', unit: 'packets', description: 'Packets the receive path took up to the stack' },
      drops: { type: 'counter', unit: 'packets', description: 'Packets lost because the software queue (qdisc, 1000 packets) was full' },
      interrupts: { type: 'counter', unit: 'interrupts', description: 'Interrupts from the NIC' },
      polls: { type: 'counter', unit: 'polls', description: 'Polls started (by an interrupt that found none running)' },
      queuedAtEnd: { type: 'counter', unit: 'packets', description: 'Packets in the send path or the qdisc at the end, not yet in the transmit ring' },
      ringAtEnd: { type: 'counter', unit: 'packets', description: 'Frames in the rings at the end: in the transmit ring and not yet read by the NIC, or written into host memory by the NIC and not yet through the receive path' },
      pciTxFrames: { type: 'counter', unit: 'packets', description: 'Frames the NIC read out of host memory (a DMA read completion with a frame, sent over PCI)' },
      pciRxFrames: { type: 'counter', unit: 'packets', description: 'Frames the NIC wrote into host memory (a DMA write of a received frame, arrived over PCI)' },
      ...CPU_STATISTICS,
      ...STACK_STATISTICS,
    },
  });

  private readonly pci = this.ctx.port('pci', (num, ref) => this.fromNic(num, ref as Packet | undefined));
  private readonly cpu: Cpu;
  private readonly stack: Stack;
  private readonly psPerCycle = 1e12 / this.params.clock;

  // Transmit descriptor ring (host memory): the frames the NIC may read, in order.
  private txSlots: Array<Packet | null> = [];
  private txHead = 0;
  private txTail = 0;
  private txUsed = 0;
  /** Write-backs received and not yet reclaimed by a poll. */
  private txDone = 0;
  /** Software queue (qdisc) in front of a full or not yet probed ring. */
  private readonly qdisc: Packet[] = [];
  /** TX work items submitted and not finished. */
  private txWork = 0;
  // Receive: frames the NIC wrote into host memory, not yet processed.
  private readonly rxReady: Packet[] = [];
  private rxConsumed = 0;
  private polling = false;
  private pollCount = 0;

  private readonly sent = this.ctx.stats.counter('packetsSent');
  private readonly received = this.ctx.stats.counter('rxPackets');
  /** Packets lost because the software queue was full. */
  private readonly drops = this.ctx.stats.counter('drops');
  private readonly interrupts = this.ctx.stats.counter('interrupts');
  private readonly polls = this.ctx.stats.counter('polls');
  /** Packets inside this host at the end that have not reached the ring: in send work or the qdisc. */
  private readonly queuedAtEnd = this.ctx.stats.counter('queuedAtEnd');
  /**
   * Frames in the rings at the end: put in the transmit ring and not yet read by the NIC, or
   * written into host memory by the NIC and not yet through the receive path (docs/models-network.md: conservation).
   */
  private readonly ringAtEnd = this.ctx.stats.counter('ringAtEnd');
  /** Frames that crossed the PCI link: read by the NIC out of host memory (sent), written by the NIC into it (received). */
  private readonly pciTxFrames = this.ctx.stats.counter('pciTxFrames');
  private readonly pciRxFrames = this.ctx.stats.counter('pciRxFrames');
  /** Frames put in the transmit ring. */
  private rung = 0;

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof hostParams>>>) {
    super(...args);
    const p = this.params;
    this.cpu = new Cpu(this.ctx, p.cores, (kind, ref, core) => this.done(kind, ref, core));
    const app = { run: (duration: number, conn: Conn) => this.cpu.submit(APP, conn, duration) };
    this.stack = new Stack(this.ctx, p.apps, p.net, p.tcp ?? HOST_TCP, (pkt) => this.transmit(pkt), app, 0, () => this.txWork + this.qdisc.length + this.txUsed < DETAILED_TSQ);
  }

  override init(): void {
    if (!this.pci.connected) {
      throw new SplitSimError('E_CONFIG', `${this.ctx.path}: host.detailed needs its pci port joined to a NIC (nic.detailed); give the host a NIC in the topology`, { component: this.ctx.path, port: 'pci' });
    }
    this.stack.start();
  }

  private cycles(n: number): number {
    return n * this.psPerCycle;
  }

  /** The stack hands a packet down: the core runs the send path. */
  private transmit(p: Packet): void {
    this.sent.value++;
    if (this.params.framing === 'ppp') p.size = pppSize(p);
    this.txWork++;
    this.cpu.submit(TX, p, this.cycles(p.len > 0 ? CYCLES.txData : CYCLES.txAck));
  }

  private done(kind: number, ref: unknown, core: number): void {
    switch (kind) {
      case TX:
        this.txWork--;
        this.driverSend(ref as Packet);
        break;
      case POLL:
        this.poll(core);
        break;
      case RX:
        this.received.value++;
        this.stack.receive(ref as Packet);
        if (++this.rxConsumed >= REFILL_BATCH) this.refill();
        this.poll(core);
        break;
      case APP:
        this.stack.served(ref as Conn);
        break;
    }
  }

  /** The driver puts a frame in the next transmit descriptor and rings the doorbell. */
  private driverSend(p: Packet): void {
    const size = this.txSlots.length;
    if (size === 0 || this.txUsed === size || this.qdisc.length > 0) {
      if (this.qdisc.length >= HOST_QUEUE.capacity) this.drops.value++;
      else this.qdisc.push(p);
      if (size > 0) this.drainQdisc();
      return;
    }
    this.ring(p);
  }

  private ring(p: Packet): void {
    const slot = this.txHead;
    this.txSlots[slot] = p;
    this.txHead = (slot + 1) % this.txSlots.length;
    this.txUsed++;
    this.rung++;
    this.pci.send(pciMessage(PCI_TX_DOORBELL, slot));
  }

  private drainQdisc(): void {
    while (this.qdisc.length > 0 && this.txUsed < this.txSlots.length) this.ring(this.qdisc.shift()!);
  }

  private fromNic(num: number, ref: Packet | undefined): void {
    switch (pciType(num)) {
      case PCI_DMA_READ:
        // Host memory answers the NIC's read; no CPU involved.
        this.pciTxFrames.value++;
        this.pci.send(pciMessage(PCI_DMA_DATA, pciValue(num)), this.txSlots[pciValue(num)]);
        break;
      case PCI_TX_DONE:
        this.txDone++;
        break;
      case PCI_RX_DATA:
        this.pciRxFrames.value++;
        this.rxReady.push(ref!);
        break;
      case PCI_INTERRUPT:
        this.interrupts.value++;
        // A poll already running will see what this interrupt announces before it ends.
        if (!this.polling) {
          this.polling = true;
          this.pollCount = 0;
          this.polls.value++;
          this.cpu.submit(POLL, null, this.cycles(CYCLES.interrupt));
        }
        break;
      case PCI_RING_SIZE:
        this.txSlots = new Array<Packet | null>(pciValue(num)).fill(null);
        this.drainQdisc();
        break;
    }
  }

  /**
   * One step of the poll on `core`: reclaim finished transmit descriptors, then process the next
   * received frame on the same core; stop when nothing is left (or yield after POLL_BUDGET).
   */
  private poll(core: number): void {
    if (this.txDone > 0) this.reclaim();
    if (this.rxReady.length > 0 && this.pollCount < POLL_BUDGET) {
      this.pollCount++;
      const p = this.rxReady.shift()!;
      this.cpu.continueOn(core, RX, p, this.cycles(p.len > 0 ? CYCLES.rxData : CYCLES.rxAck));
      return;
    }
    this.refill();
    if (this.rxReady.length > 0) {
      // Budget spent: go to the back of the line so that sends get the core too.
      this.pollCount = 0;
      this.cpu.submit(POLL, null, 0);
    } else this.polling = false;
  }

  private reclaim(): void {
    const n = this.txSlots.length;
    for (; this.txDone > 0; this.txDone--) {
      this.txSlots[this.txTail] = null;
      this.txTail = (this.txTail + 1) % n;
      this.txUsed--;
    }
    this.drainQdisc();
    const tcp = this.stack.tcpOrNull;
    if (tcp !== null && tcp.waiting) tcp.wake();
  }

  private refill(): void {
    if (this.rxConsumed === 0) return;
    this.pci.send(pciMessage(PCI_RX_REFILL, this.rxConsumed));
    this.rxConsumed = 0;
  }

  override finish(): void {
    this.stack.finish();
    this.queuedAtEnd.value = this.txWork + this.qdisc.length;
    this.ringAtEnd.value = this.rung - this.pciTxFrames.value + this.pciRxFrames.value - this.received.value;
  }
}
