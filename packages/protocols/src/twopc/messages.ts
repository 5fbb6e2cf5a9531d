/**
 * Two-phase commit messages carry no reference: the number is tx · 8 + type. Transaction ids are
 * the coordinator's incarnation · 2^24 + a sequence number, so an id is never reused after a
 * crash (the incarnation is durable).
 */
export const PREPARE = 1;
export const YES = 2;
export const NO = 3;
export const COMMIT = 4;
export const ABORT = 5;
export const ACK = 6;
/** A prepared participant asks what was decided (the coordinator answers COMMIT or ABORT, or nothing while it is still deciding). */
export const STATUS = 7;

export const message = (tx: number, type: number) => tx * 8 + type;
export const txOf = (num: number) => Math.floor(num / 8);
export const typeOf = (num: number) => num % 8;
export const TX_BITS = 2 ** 24;
