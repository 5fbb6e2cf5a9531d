import { SplitSimError } from '@splitsim/kernel';
import { partitionFromFile, readPartitionFile, type Instantiation } from '@splitsim/instantiation';

/**
 * `--partition-file <file>`: the instantiation with the file's partition and placement in place of
 * its own; its models and sync intervals stay. A file made for another config is refused here,
 * one made for another size of the system when the partition runs (it counts the components).
 */
export function applyPartitionFile(inst: Instantiation, file: string, config: string): Instantiation {
  const doc = readPartitionFile(file);
  if (doc.system.config !== config) {
    throw new SplitSimError('E_CONFIG', `--partition-file ${file}: made for config "${doc.system.config}", not "${config}"`, { file });
  }
  const { partition, placement } = partitionFromFile(doc, file);
  return { ...inst, description: `${inst.description ?? ''} (partition from ${file})`.trim(), partition, placement };
}
