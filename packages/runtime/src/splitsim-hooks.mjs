// Module resolve hook for instances that run a prebuilt bundle (instance-entry.ts): a user's
// model module that imports 'splitsim' gets the bundle's own public module, so the instance
// and the models it loads share one copy of the library (one Component, one SplitSimError).
let target = null;

export async function initialize(data) {
  target = data.url;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'splitsim' && target !== null) return { url: target, shortCircuit: true };
  return next(specifier, context);
}
