import type { z } from 'zod';
import { Component, defineSpec, US } from '@splitsim/kernel';
import { nicParams } from '@splitsim/system';
import { Egress, EGRESS_STATISTICS } from '../network/egress.ts';
import type { Packet } from '../network/packet.ts';
import { nicNet } from '../network/routing.ts';
import {
  PCI_DMA_DATA, PCI_DMA_READ, PCI_INTERRUPT, PCI_RING_SIZE, PCI_RX_DATA, PCI_RX_REFILL, PCI_TX_DOORBELL, PCI_TX_DONE,
  pciMessage, pciType, pciValue,
} from './pci.ts';

/** Smallest gap between two interrupts (interrupt moderation, like an Intel NIC's ITR). */
export const INTERRUPT_INTERVAL = 4 * US;

/** The NIC kind's parameters (mtu, descriptors per ring) and the `net` the network step adds. */
const params = nicParams.extend({ net: nicNet });

/**
 * A NIC joined to its host by PCI and to the network by Ethernet, in the manner of SimBricks'
 * behavioural NIC models. Transmit: the host rings a doorbell per descriptor; the NIC reads the
 * descriptor and frame by DMA (a request to the host and its completion, one PCI round trip),
 * serializes the frame onto the wire, and writes the descriptor back. Receive: a frame from the
 * wire is written by DMA into the next buffer the host posted (dropped when none is posted).
 * Both directions raise interrupts, at most one per INTERRUPT_INTERVAL.
 */
export class DetailedNic extends Component<z.output<typeof params>> {
  static readonly spec = defineSpec({
    model: 'nic.detailed',
    kinds: ['nic'],
    roles: ['nic'],
    description: 'NIC with DMA over PCI (doorbells, descriptor rings, write-backs), interrupt moderation, Ethernet serialization',
    ports: ['pci', 'eth'],
    params,
    statistics: {
      rxFrames: { type: 'counter', unit: 'packets', description: 'Frames received from the wire, dropped ones included' },
      rxDrops: { type: 'counter', unit: 'packets', description: 'Frames dropped because the host had posted no receive buffer' },
      dmaReads: { type: 'counter', unit: 'reads', description: 'DMA reads of a transmit descriptor and its frame, one per doorbell' },
      interrupts: { type: 'counter', unit: 'interrupts', description: 'Interrupts raised to the host (at most one per 4 µs)' },
      pciTxFrames: { type: 'counter', unit: 'packets', description: 'Received frames written into host memory (a DMA write, sent over PCI)' },
      pciRxFrames: { type: 'counter', unit: 'packets', description: 'Frames read out of host memory to send (a DMA read completion, arrived over PCI)' },
      ...EGRESS_STATISTICS,
    },
  });

  private readonly pci = this.ctx.port('pci', (num, ref) => this.fromHost(num, ref as Packet | undefined));
  private readonly eth = this.ctx.port('eth', (_num, ref) => this.fromWire(ref as Packet));
  private readonly egress: Egress;
  /** Descriptor indices of the frames in the transmit FIFO, in wire order. */
  private readonly sending: Int32Array;
  private sendHead = 0;
  private sendLen = 0;
  /** Receive buffers the host has posted and the NIC has not filled. */
  private rxFree: number;
  private lastInterrupt = -Infinity;
  private interruptPending = false;
  private readonly interruptTimer = this.ctx.timer(() => this.interrupt());

  private readonly rxFrames = this.ctx.stats.counter('rxFrames');
  /** Frames lost because the host had posted no receive buffer. */
  private readonly rxDrops = this.ctx.stats.counter('rxDrops');
  private readonly dmaReads = this.ctx.stats.counter('dmaReads');
  private readonly interrupts = this.ctx.stats.counter('interrupts');
  /** Frames that crossed the PCI link: written into host memory (sent), read out of it (received). */
  private readonly pciTxFrames = this.ctx.stats.counter('pciTxFrames');
  private readonly pciRxFrames = this.ctx.stats.counter('pciRxFrames');

  constructor(...args: ConstructorParameters<typeof Component<z.output<typeof params>>>) {
    super(...args);
    const ring = this.params.queue;
    this.sending = new Int32Array(ring);
    this.rxFree = ring;
    this.egress = new Egress(this.ctx, [this.eth], [this.params.net.rate], { unit: 'packets', capacity: ring }, () => this.sent());
  }

  /** Device probe: the driver learns the ring size (and has posted a full receive ring). */
  override init(): void {
    this.pci.send(pciMessage(PCI_RING_SIZE, this.params.queue));
  }

  private fromHost(num: number, ref: Packet | undefined): void {
    switch (pciType(num)) {
      case PCI_TX_DOORBELL:
        this.dmaReads.value++;
        this.pci.send(pciMessage(PCI_DMA_READ, pciValue(num)));
        break;
      case PCI_DMA_DATA: {
        this.pciRxFrames.value++;
        const n = this.sending.length;
        this.sending[(this.sendHead + this.sendLen) % n] = pciValue(num);
        this.sendLen++;
        this.egress.enqueue(0, ref!);
        break;
      }
      case PCI_RX_REFILL:
        this.rxFree += pciValue(num);
        break;
    }
  }

  /** A frame left on the wire: write its descriptor back. */
  private sent(): void {
    const index = this.sending[this.sendHead]!;
    this.sendHead = (this.sendHead + 1) % this.sending.length;
    this.sendLen--;
    this.pci.send(pciMessage(PCI_TX_DONE, index));
    this.cause();
  }

  private fromWire(p: Packet): void {
    this.rxFrames.value++;
    if (this.rxFree === 0) {
      this.rxDrops.value++;
      return;
    }
    this.rxFree--;
    this.pciTxFrames.value++;
    this.pci.send(pciMessage(PCI_RX_DATA, 0), p);
    this.cause();
  }

  /** Something for the host to see: interrupt now, or when the moderation interval allows. */
  private cause(): void {
    if (this.interruptPending) return;
    const at = this.lastInterrupt + INTERRUPT_INTERVAL;
    const now = this.ctx.now;
    if (at <= now) this.interrupt();
    else {
      this.interruptPending = true;
      this.ctx.schedule(this.interruptTimer, at - now);
    }
  }

  private interrupt(): void {
    this.interruptPending = false;
    this.lastInterrupt = this.ctx.now;
    this.interrupts.value++;
    this.pci.send(pciMessage(PCI_INTERRUPT, 0));
  }

  override finish(): void {
    this.egress.finish();
  }
}
