/**
 * configs/mmc.ts with its models from the user module beside it (bench/mmc.ts --user-models).
 */
import { defineConfig } from 'splitsim';
import builtin from '../../configs/mmc.ts';

const models = [{ kind: 'source', model: 'user.source' }, { kind: 'server', model: 'user.server' }, { kind: 'sink', model: 'user.sink' }];

export default defineConfig({
  ...builtin,
  name: 'mmc-user',
  modules: ['./mmc-models.ts'],
  instantiations: { single: () => ({ models }) },
  defaultInstantiation: 'single',
});
