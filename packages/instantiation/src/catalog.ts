import type { ComponentSpec } from '@splitsim/kernel';
import { registry } from '@splitsim/models';

/**
 * The models an instantiation may choose from, by name. Only specs are read here (kinds, ports,
 * parameter schema), so partition and plan logic can be checked against any set of models.
 */
export type ModelCatalog = ReadonlyMap<string, { readonly spec: ComponentSpec }>;

/** Every installed model: what runners will look plans up in. */
export const installedModels: ModelCatalog = registry;
