/**
 * The SVG path of a sparkline through `values` in a `width` × `height` box: missing values
 * (`null`) break the line, a lone value between gaps is a short dash so it still shows. Rates
 * are drawn on 0..1 (`fixedMax` 1) so two customers' lines compare; other figures on 0..max.
 */
export function sparklinePath(values: (number | null)[], width: number, height: number, fixedMax?: number): string {
  if (values.length === 0) return "";
  const max = fixedMax ?? Math.max(0, ...values.filter((v): v is number => v !== null));
  const pad = 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const x = (i: number) => (values.length > 1 ? pad + i * step : width / 2);
  const y = (v: number) => {
    const ratio = max > 0 ? Math.min(1, Math.max(0, v / max)) : 0;
    return height - pad - ratio * (height - 2 * pad);
  };
  const round = (n: number) => Math.round(n * 10) / 10;
  const parts: string[] = [];
  values.forEach((value, i) => {
    if (value === null) return;
    const joined = i > 0 && values[i - 1] !== null;
    parts.push(`${joined ? "L" : "M"}${round(x(i))} ${round(y(value))}`);
    const alone = !joined && (i === values.length - 1 || values[i + 1] === null);
    if (alone) parts.push("h2");
  });
  return parts.join(" ");
}
