// Preloaded (`node --import`) into `splitsim run` by the run-directory tests where no small
// file system can be mounted: makes the disk look full, without touching the code under test.
//   SPLITSIM_TEST_DISK=full      statfs reports no free space (the --out check must refuse)
//   SPLITSIM_TEST_DISK=metrics   writing metrics.json (its temporary file) fails with ENOSPC
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const mode = process.env.SPLITSIM_TEST_DISK;
const enospc = (path) => Object.assign(new Error(`ENOSPC: no space left on device, open '${path}'`), { code: 'ENOSPC', errno: -28, syscall: 'open', path });

if (mode === 'full') {
  const statfsSync = fs.statfsSync;
  fs.statfsSync = (...a) => ({ ...statfsSync(...a), bavail: 0, bfree: 0 });
} else if (mode === 'metrics') {
  const writeFileSync = fs.writeFileSync;
  fs.writeFileSync = (file, ...rest) => {
    if (typeof file === 'string' && /metrics\.json\.tmp-\d+$/.test(file)) throw enospc(file);
    return writeFileSync(file, ...rest);
  };
}
syncBuiltinESMExports();
