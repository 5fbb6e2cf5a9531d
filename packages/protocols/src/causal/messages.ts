/**
 * A multicast message: its sender, send time (for delivery latency) and the sender's vector
 * clock at the send; from the sequencer, also its place in the total order. Never changed after
 * sending (every receiver in an instance shares the object).
 */
export interface Multicast {
  readonly from: number;
  readonly t: number;
  readonly vc: readonly number[];
  readonly seq: number;
}
