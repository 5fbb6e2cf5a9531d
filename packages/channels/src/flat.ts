/**
 * Flat records: a message reference that is a plain object of numbers only (a packet, with its
 * fourteen numeric fields, is the case that matters) crosses a channel as its shape's id and one
 * f64 per field, written field by field like a number message, instead of through msgpackr,
 * which writes every key's name every time and builds the object back key by key. A shape (the
 * keys, in their order) is announced once per channel direction by a SHAPE record; the receiver
 * compiles a reader that builds an object literal of that shape, so every record of a shape
 * comes back with one hidden class, and numbers come back bit for bit (f64 in, f64 out).
 */

/** Objects with more fields than this go through msgpackr. */
export const MAX_FLAT_FIELDS = 64;
/** Shapes per channel direction; the id lives in the 24 bits above the record type. */
export const MAX_SHAPES = 1 << 16;

type Fields = Record<string, unknown>;

/** The sending side: which shapes the peer knows, and the one used last. */
export class FlatWriter {
  private readonly ids = new Map<string, number>();
  /** Keys of the last shape matched, and its id (-1 before the first). */
  keys: readonly string[] = [];
  id = -1;

  /** True if `ref` has exactly the last shape: a plain object whose own keys, in order, are its keys, all numbers. */
  matches(ref: unknown): boolean {
    if (this.id < 0 || typeof ref !== 'object' || ref === null || Object.getPrototypeOf(ref) !== Object.prototype) return false;
    const keys = this.keys;
    const o = ref as Fields;
    let i = 0;
    for (const k in o) {
      if (i === keys.length || k !== keys[i] || typeof o[k] !== 'number') return false;
      i++;
    }
    return i === keys.length;
  }

  /**
   * Makes `ref`'s shape the current one if `ref` is flat. Returns 'known' (the peer has it),
   * 'new' (announce it before the record) or 'no' (send it through msgpackr).
   */
  adopt(ref: unknown): 'known' | 'new' | 'no' {
    if (typeof ref !== 'object' || ref === null || Object.getPrototypeOf(ref) !== Object.prototype) return 'no';
    const o = ref as Fields;
    const keys = Object.keys(o);
    if (keys.length === 0 || keys.length > MAX_FLAT_FIELDS) return 'no';
    // "__proto__" in an object literal would set the prototype, not a field.
    for (const k of keys) if (typeof o[k] !== 'number' || k === '__proto__') return 'no';
    const name = keys.join('\0');
    let id = this.ids.get(name);
    let fresh = false;
    if (id === undefined) {
      if (this.ids.size === MAX_SHAPES) return 'no';
      id = this.ids.size;
      this.ids.set(name, id);
      fresh = true;
    }
    this.keys = keys;
    this.id = id;
    return fresh ? 'new' : 'known';
  }

  /** Writes the fields of `ref` (which matches the current shape) from f64[j] on. */
  write(ref: unknown, f64: Float64Array, j: number): void {
    const o = ref as Record<string, number>;
    for (const k in o) f64[j++] = o[k]!;
  }

  /** The current shape's keys as the SHAPE record's payload. */
  announcement(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.keys));
  }
}

/** Builds an object of one shape from its fields at f64[j]. */
export type FlatReader = (f64: Float64Array, j: number) => unknown;

/** The receiving side: readers of the shapes the peer announced, by id. */
export class FlatShapes {
  readonly readers: FlatReader[] = [];
  readonly sizes: number[] = [];

  /** Registers shape `id` from its SHAPE payload; returns an error message if it is malformed. */
  announce(id: number, payload: Uint8Array): string | null {
    let keys: unknown;
    try {
      keys = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return `shape ${id} is not JSON`;
    }
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_FLAT_FIELDS || keys.some((k) => typeof k !== 'string' || k === '__proto__')) return `shape ${id} is not a list of field names`;
    if (id !== this.readers.length) return `shape ${id} announced out of order (expected ${this.readers.length})`;
    // An object literal in generated code: one hidden class per shape, fields in the sender's order.
    const body = `return {${(keys as string[]).map((k, i) => `${JSON.stringify(k)}: f[j + ${i}]`).join(', ')}};`;
    this.readers.push(new Function('f', 'j', body) as FlatReader);
    this.sizes.push(keys.length);
    return null;
  }
}
