/**
 * The sum of a Prometheus metric's samples (every label set) on an app's `/metrics`, 0 when
 * the metric has no sample yet. Optionally only the samples whose labels include `labels`.
 */
export async function metricValue(
  appUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+([^\s]+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (!Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) continue;
    total += Number(match[3]);
  }
  return total;
}
