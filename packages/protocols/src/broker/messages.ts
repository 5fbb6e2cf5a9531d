/**
 * Broker messages. Producer → broker: the number is the message id (producer index · 2^32 +
 * sequence), the reference `{ key, t }` (key, publish time); the broker answers the id (stored as
 * the ack policy asks) or -1 - id (refused: queue full, or no thread for the connection).
 * Primary → replica: the same; the replica answers the id once it is on its disk. Broker →
 * consumer: the id and `{ key, t, n }` (n: the delivery's number, 1 the first); the consumer
 * answers the id when it has processed it.
 */
export interface Publish {
  readonly key: number;
  readonly t: number;
}

export interface Delivery {
  readonly key: number;
  readonly t: number;
  readonly n: number;
}

export const PRODUCER_BITS = 2 ** 32;
