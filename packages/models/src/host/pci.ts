/**
 * What a detailed host and a detailed NIC say to each other over their PCI link. A message is
 * the kernel's (num, ref): num = type · 2^24 + a descriptor index or count; ref carries the
 * packet where data moves (a DMA read completion or a DMA write of a received frame), else
 * nothing. Both ends are plain data, so the link may be cut between instances like any other.
 */

/** Host → NIC, MMIO write: transmit descriptor `index` is ready. */
export const PCI_TX_DOORBELL = 1;
/** NIC → host, DMA read request for transmit descriptor `index` and its buffer. */
export const PCI_DMA_READ = 2;
/** Host → NIC, DMA read completion: the frame of descriptor `index` (ref: the packet). */
export const PCI_DMA_DATA = 3;
/** NIC → host, DMA write-back: transmit descriptor `index` is done. */
export const PCI_TX_DONE = 4;
/** NIC → host, DMA write of a received frame into the next receive buffer (ref: the packet). */
export const PCI_RX_DATA = 5;
/** NIC → host, MSI-X interrupt. */
export const PCI_INTERRUPT = 6;
/** Host → NIC, MMIO write: `count` more receive buffers are posted. */
export const PCI_RX_REFILL = 7;
/** NIC → host at start: the descriptor rings hold `count` entries (the driver's probe). */
export const PCI_RING_SIZE = 8;

const SHIFT = 16_777_216; // 2^24

export function pciMessage(type: number, value: number): number {
  return type * SHIFT + value;
}

export function pciType(num: number): number {
  return Math.floor(num / SHIFT);
}

export function pciValue(num: number): number {
  return num % SHIFT;
}
