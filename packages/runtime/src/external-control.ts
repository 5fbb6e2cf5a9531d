import { MAX_FRAME_BODY, records } from '@splitsim/channels';
import { z } from 'zod';

/**
 * The control connection of an external instance (docs/external-protocol.md): frames with the
 * channels' 8-byte header, whose second word says what the body is: 0, records (here only the
 * HELLO each side sends first), 1, one JSON message. Everything the program says is checked
 * here before the orchestrator acts on it, since it may be a program we did not write.
 */
export const FRAME_RECORDS = 0;
export const FRAME_JSON = 1;
const HEADER = 8;

/** The orchestrator's first frame: a HELLO record (flags 0) with magic and protocol version. */
export function helloFrame(): Buffer {
  const buf = Buffer.alloc(HEADER + records.HELLO_BYTES);
  buf.writeUInt32LE(records.HELLO_BYTES, 0);
  buf.writeUInt32LE(FRAME_RECORDS, 4);
  const v = new records.RecordViews(buf.buffer, buf.byteOffset + HEADER, records.HELLO_BYTES);
  records.writeHello(v, 0, 0);
  return buf;
}

/** A JSON control message as one frame. Infinity has no JSON form: it travels as null. */
export function jsonFrame(message: Record<string, unknown>): Buffer {
  const body = Buffer.from(JSON.stringify(message, (_k, v) => (v === Infinity ? null : v)), 'utf8');
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(FRAME_JSON, 4);
  return Buffer.concat([header, body]);
}

/** The program broke the control protocol; the message says how. */
export class ControlError extends Error {}

/** Cuts the control stream into frames; the first must be a valid HELLO, the rest JSON messages. */
export class ControlReader {
  private buf: Buffer = Buffer.alloc(0);
  helloSeen = false;

  /** Frames completed by `chunk`, as parsed JSON messages (the HELLO is checked and dropped). */
  push(chunk: Buffer): unknown[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: unknown[] = [];
    let off = 0;
    while (this.buf.length - off >= HEADER) {
      const length = this.buf.readUInt32LE(off);
      const kind = this.buf.readUInt32LE(off + 4);
      if (length > MAX_FRAME_BODY) throw new ControlError(`a frame header announces ${length} bytes, over the ${MAX_FRAME_BODY}-byte limit (header bytes ${hex(this.buf.subarray(off, off + HEADER))})`);
      if (kind !== FRAME_RECORDS && kind !== FRAME_JSON) throw new ControlError(`a frame of kind ${kind}; control frames are 0 (records) or 1 (JSON) (header bytes ${hex(this.buf.subarray(off, off + HEADER))})`);
      if (this.buf.length - off < HEADER + length) break;
      const body = this.buf.subarray(off + HEADER, off + HEADER + length);
      off += HEADER + length;
      if (!this.helloSeen) {
        if (kind !== FRAME_RECORDS) throw new ControlError('its first frame is JSON, not the HELLO record');
        checkHello(body);
        this.helloSeen = true;
        continue;
      }
      if (kind !== FRAME_JSON) throw new ControlError('a records frame after HELLO; control messages are JSON frames');
      let message: unknown;
      try {
        message = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new ControlError(`a JSON frame that does not parse (${(err as Error).message}): ${JSON.stringify(body.toString('utf8').slice(0, 80))}`);
      }
      out.push(message);
    }
    this.buf = this.buf.subarray(off);
    return out;
  }
}

function checkHello(body: Buffer): void {
  if (body.length !== records.HELLO_BYTES || (body.readUInt32LE(0) & 0xff) !== records.T_HELLO) throw new ControlError(`its first frame is not one HELLO record (${body.length} bytes: ${hex(body.subarray(0, 16))})`);
  const magic = body.readUInt32LE(8);
  const version = body.readUInt32LE(12);
  if (magic !== records.HELLO_MAGIC) throw new ControlError(`its HELLO carries magic 0x${magic.toString(16)}, not 0x${records.HELLO_MAGIC.toString(16)} ("SSIM"): it does not speak the SplitSim protocol`);
  if (version !== records.PROTOCOL_VERSION) throw new ControlError(`it speaks protocol version ${version}; this orchestrator speaks version ${records.PROTOCOL_VERSION}`);
}

function hex(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

const num = z.number();
const time = z.number().nonnegative();
/** Infinity travels as null. */
const timeOrNever = z.number().nonnegative().nullable().transform((t) => t ?? Infinity);
const counts = z.array(z.tuple([z.number().int().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]));

/** How a statistic travels: the state of one of ours, so the kernel summarises it, or a summary. */
export const statSchema = z.union([
  z.object({ counter: num }).strict(),
  z.object({ tally: z.tuple([num, num, num, num, num]) }).strict(),
  z.object({ batchMeans: z.object({ count: num, batchSize: z.number().int().positive(), sums: z.array(num) }).strict() }).strict(),
  z.object({ value: z.unknown() }).strict(),
]);

const channelCounters = z.object({
  channel: z.number().int().nonnegative(),
  waitNs: num, rxNs: num, txNs: num, syncNs: num, rxMsgs: num, txMsgs: num, syncMsgs: num,
});

/** Every message an external program may send after its HELLO. Unknown keys are ignored (a later minor version may add some). */
export const externalReportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('connected') }),
  z.object({ type: z.literal('progress'), now: time, events: num }),
  z.object({ type: z.literal('blocked'), now: time, next: timeOrNever, counts }),
  z.object({ type: z.literal('done'), now: time, queue: z.number().int().nonnegative(), counts }),
  z.object({ type: z.literal('stopped'), time, order: num, message: z.string(), counts }),
  z.object({ type: z.literal('overrun'), now: time }),
  z.object({
    type: z.literal('profile'), wallNs: num, simPs: time, events: num, channels: z.array(channelCounters),
    final: z.boolean().optional(), status: z.enum(['completed', 'interrupted', 'failed']).optional(),
  }),
  z.object({ type: z.literal('failed'), message: z.string().min(1), component: z.string().optional(), time: time.optional(), event: num.optional() }),
  z.object({
    type: z.literal('finished'), status: z.enum(['completed', 'interrupted']), now: time, events: num,
    metrics: z.array(z.object({ id: z.number().int().nonnegative(), events: num, stats: z.record(z.string(), statSchema) })),
    log: z.array(z.string()).optional(),
  }),
]);

export type ExternalReport = z.infer<typeof externalReportSchema>;

/** Parses one message, or throws a ControlError saying what is wrong with it. */
export function parseReport(message: unknown): ExternalReport {
  const r = externalReportSchema.safeParse(message);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new ControlError(`a malformed control message${at} (${issue.message}): ${JSON.stringify(message).slice(0, 120)}`);
}
