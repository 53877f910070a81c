/** Numbers for people: 7,412.55 · 126.01 · 0.000123 (thousands separated, two decimals, small values to 3 significant digits). */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}
