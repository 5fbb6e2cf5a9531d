import { existsSync } from 'node:fs';
import { register } from 'node:module';

let pinned = false;

/**
 * In an instance that runs a bundle (the checkout's cache or the published package's dist/),
 * makes `import 'splitsim'` in the model modules it loads resolve to the bundle's own public
 * module beside it, rather than to whatever copy the module's project has: one copy of the
 * library per instance. Does nothing where instances run the sources (they resolve to the same
 * files anyway).
 */
export function pinSplitsim(): void {
  if (pinned) return;
  pinned = true;
  for (const name of ['index.mjs', 'index.js']) {
    const url = new URL(`./${name}`, import.meta.url);
    const hooks = new URL('./splitsim-hooks.mjs', import.meta.url);
    if (existsSync(url) && existsSync(hooks)) {
      register(hooks, { data: { url: url.href } });
      return;
    }
  }
}
