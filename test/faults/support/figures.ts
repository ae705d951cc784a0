/**
 * Prints a measured figure in one greppable line (`[fault figure] name: value`), so a run's
 * output shows what docs/faults.md quotes.
 */
export function reportFigure(name: string, value: number): void {
  console.info(`[fault figure] ${name}: ${Math.round(value)}`);
}
