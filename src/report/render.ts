/**
 * Headless rendering (Node): Vega-Lite → Vega → SVG with vega's View (no browser, no canvas), and SVG → PNG
 * with resvg, using the DejaVu fonts shipped in the `dejavu-fonts-ttf` package so text renders the same on
 * every machine.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './plots.js';

const require = createRequire(import.meta.url);
const FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const config = { ...(compiled.config ?? {}), font: 'DejaVu Sans' };
  const view = new vega.View(vega.parse({ ...compiled, config }), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: {
      fontFiles: FONTS,
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** Writes `<dir>/<baseName>.svg` and `<dir>/<baseName>.png`. */
export async function writePlot(spec: VegaLiteSpec, dir: string, baseName: string): Promise<void> {
  const svg = await renderSvg(spec);
  await writeFile(join(dir, `${baseName}.svg`), svg);
  await writeFile(join(dir, `${baseName}.png`), svgToPng(svg));
}
