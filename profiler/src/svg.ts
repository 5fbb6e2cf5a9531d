import { instance } from '@viz-js/viz';

/**
 * Lays out and draws DOT as SVG with Graphviz compiled to WebAssembly (@viz-js/viz), so no system
 * Graphviz is needed; the WebAssembly module ships inside the npm package and nothing is fetched.
 */
export async function renderSvg(dot: string, engine: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine });
  if (result.status !== 'success') {
    // Our own DOT failing to lay out is a bug of ours, not of the user's logs.
    throw new Error(`Graphviz (${engine}) could not draw the WTPG: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
