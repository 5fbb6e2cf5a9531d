/**
 * The partition file `splitsim rebalance` and `splitsim tune` write and `splitsim run
 * --partition-file` reads (docs/tuning.md): JSON, one instance per entry, each naming its
 * components by path globs and id ranges, one per line, so two proposals diff line by line. The
 * reader lives with the other partitions (@splitsim/instantiation); the profiler only writes the
 * documented format.
 */
export interface PartitionFileInstance {
  name: string;
  placement: 'thread' | 'process';
  /** Path globs and paths: `block0/**`, `core`. A component goes to the first instance, in file order, with a pattern that matches it. */
  components: string[];
  /** Component ids and "first-last" ranges, for what paths would name one by one. */
  ids?: Array<number | string>;
}

export interface PartitionFileDoc {
  splitsim: 'partition';
  version: 1;
  /** The system it was made for: a file for another system (another size) is refused. */
  system: { config: string; components: number };
  /** How it was made, for the person who reads it. */
  made: string;
  /** The cost model's prediction, simulated seconds per wall second, on `cores` cores. */
  predicted?: { speed: number; cores: number };
  instances: PartitionFileInstance[];
}

/** The file's text: two-space JSON, every list item on its own line, a newline at the end. */
export function partitionFileText(doc: PartitionFileDoc): string {
  const clean = {
    ...doc,
    ...(doc.predicted ? { predicted: { speed: +doc.predicted.speed.toPrecision(4), cores: doc.predicted.cores } } : {}),
    instances: doc.instances.map((i) => ({ name: i.name, placement: i.placement, components: i.components, ...(i.ids && i.ids.length > 0 ? { ids: i.ids } : {}) })),
  };
  return JSON.stringify(clean, null, 2) + '\n';
}
