/** @splitsim/system: the system-configuration API (the "what"). */
export { System, ComponentHandle, type ComponentDecl, type LinkDecl, type LinkOptions, type PortRef } from './system.ts';
export { appSchema, type App, type AppInput } from './kinds/apps.ts';
