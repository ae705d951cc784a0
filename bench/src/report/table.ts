import type { Summary } from '../stats/summary.js';
import type { CapacityResult, LevelResult, ProcessUsage } from './results.js';
import type { MarginalMediaPathCpu } from './results-file.js';

const LABEL_WIDTH = 30;
const COLUMN_WIDTH = 30;
const SHORT_ROLE: Record<string, string> = {
  gateway: 'gw',
  'media-bridge': 'bridge',
  'tool-runner': 'tools',
  'nats-server': 'nats',
  postgres: 'pg',
  'bare-relay': 'relay',
  callers: 'callers',
  'fake-model': 'model',
  orchestrator: 'orch',
};

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const triple = (s: Summary) => `${fixed(s.p50)} / ${fixed(s.p99)} / ${fixed(s.max, 1)}`;
const pair = (s: Summary | null | undefined) => (s && s.n > 0 ? `${fixed(s.p50)} / ${fixed(s.p99)}` : '–');
const ratio = (ours: number | null | undefined, base: number | null | undefined) =>
  ours === null || ours === undefined || !base ? '–' : `${(ours / base).toFixed(1)}×`;

/**
 * CPU seconds per call-minute of the media path: gateway + media-bridge + NATS, or the bare
 * relay. The tool path (tool-runner, Postgres) is left out: the bare relay has none, and the
 * tool probe's steady rate is not per call.
 */
export function mediaPathCpuPerCallMinute(processes: readonly ProcessUsage[]): number {
  return processes.filter((p) => p.mediaPath).reduce((sum, p) => sum + p.cpuSecondsPerCallMinute, 0);
}

function cpuBreakdown(processes: readonly ProcessUsage[], owner: 'system' | 'harness'): string {
  return processes
    .filter((p) => (owner === 'harness' ? p.owner === 'harness' : p.owner !== 'harness'))
    .map((p) => `${SHORT_ROLE[p.role] ?? p.role} ${p.cpuSecondsPerCallMinute.toFixed(3)}`)
    .join(' ');
}

function memory(result: LevelResult): string {
  return result.processes
    .filter((p) => p.owner !== 'harness' && p.rssPerCallMb !== null && p.role !== 'nats-server')
    .map((p) => `${SHORT_ROLE[p.role] ?? p.role} ${fixed(p.rssPerCallMb, 3)}`)
    .join(' ');
}

function lags(result: LevelResult): string {
  return Object.entries(result.eventLoopLag)
    .filter(([, lag]) => lag !== null)
    .map(([role, lag]) => `${SHORT_ROLE[role] ?? role} ${fixed(lag?.p99, 1)}`)
    .join(' ');
}

function lossCell(result: LevelResult): string {
  const c = result.callerToModel;
  const m = result.modelToCaller;
  return `${c.lost}/${c.reordered} ↑  ${m.lost}/${m.reordered} ↓`;
}

function failureCell(result: LevelResult): string {
  const failed = Object.entries(result.failures);
  return failed.length === 0
    ? `${result.connected}/${result.calls} up`
    : failed.map(([r, n]) => `${r} ${n}`).join(', ');
}

/**
 * The terminal table of one level under one traffic shape: each system in a column, then
 * ours/baseline ratios. Times in ms; "↑" caller→model, "↓" model→caller.
 */
export function levelTable(
  calls: number,
  ours: LevelResult | undefined,
  base: LevelResult | undefined,
): string {
  const traffic = (ours ?? base)?.traffic ?? 'smooth';
  const rows: Array<[string, string, string, string]> = [];
  const row = (label: string, cell: (r: LevelResult) => string, ratioCell = '') =>
    rows.push([label, ours ? cell(ours) : '', base ? cell(base) : '', ratioCell]);
  row(
    'caller→model p50/p99/max',
    (r) => triple(r.callerToModel.latency),
    ratiosOf(ours, base, (r) => r.callerToModel.latency),
  );
  row(
    'model→caller p50/p99/max',
    (r) => triple(r.modelToCaller.latency),
    ratiosOf(ours, base, (r) => r.modelToCaller.latency),
  );
  if (ours && base) {
    rows.push(['ours − bare p50/p99 ↑ ↓', extra(ours, base), '', '']);
  }
  row('lost/reordered ↑ ↓', lossCell);
  row('frames measured ↑ ↓', (r) => `${r.callerToModel.sent} ↑  ${r.modelToCaller.sent} ↓`);
  row('calls', failureCell);
  row(
    'set-up p50/p99',
    (r) => pair(r.setup),
    `${ratio(ours?.setup.p50, base?.setup.p50)} / ${ratio(ours?.setup.p99, base?.setup.p99)}`,
  );
  row(
    'barge-in p50/p99',
    (r) => `${pair(r.bargeIn)}${r.bargeIn.missed > 0 ? ` (${r.bargeIn.missed} missed)` : ''}`,
    `${ratio(ours?.bargeIn.p50, base?.bargeIn.p50)} / ${ratio(ours?.bargeIn.p99, base?.bargeIn.p99)}`,
  );
  row('tool via model p50/p99', (r) => pair(r.toolViaModel));
  row('tool direct (NATS) p50/p99', (r) => pair(r.toolDirect?.latency));
  row(
    'CPU s/call-min (media path)',
    (r) => r.mediaPathCpuPerCallMinute.toFixed(3),
    ratio(ours?.mediaPathCpuPerCallMinute, base?.mediaPathCpuPerCallMinute),
  );
  row('  by process', (r) => cpuBreakdown(r.processes, 'system'));
  row('  harness', (r) => cpuBreakdown(r.processes, 'harness'));
  row('RSS MB per call', memory);
  row(
    'machine CPU % (unattributed)',
    (r) => `${r.machineCpuPercent.toFixed(0)}% (${r.unattributedCores.toFixed(2)} cores)`,
  );
  row('CPU pressure (PSI some) %', (r) =>
    r.cpuPressurePercent === null ? '–' : `${r.cpuPressurePercent.toFixed(0)}%`,
  );
  row('loop lag p99 ms', lags);
  row('verdict', (r) => (r.verdict.held ? 'held' : `BROKE: ${r.verdict.reasons.join('; ')}`));

  const title = `── ${calls} concurrent calls, ${traffic} traffic `;
  const header = `${title}${'─'.repeat(Math.max(0, LABEL_WIDTH + 2 * COLUMN_WIDTH - title.length))}`;
  const lines = [
    header,
    `${''.padEnd(LABEL_WIDTH)}${'ours'.padEnd(COLUMN_WIDTH)}${'bare relay'.padEnd(COLUMN_WIDTH)}ours/bare`,
  ];
  for (const [label, a, b, c] of rows)
    lines.push(`${label.padEnd(LABEL_WIDTH)}${padCell(a)}${padCell(b)}${c}`);
  return lines.join('\n');
}

/** What our path adds over the bare relay's, per direction (ms). */
function extra(ours: LevelResult, base: LevelResult): string {
  const diff = (a: number | null, b: number | null) =>
    a === null || b === null ? '–' : `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(2)}`;
  const up = `${diff(ours.callerToModel.latency.p50, base.callerToModel.latency.p50)} / ${diff(ours.callerToModel.latency.p99, base.callerToModel.latency.p99)}`;
  const down = `${diff(ours.modelToCaller.latency.p50, base.modelToCaller.latency.p50)} / ${diff(ours.modelToCaller.latency.p99, base.modelToCaller.latency.p99)}`;
  return `${up} ↑   ${down} ↓`;
}

function ratiosOf(
  ours: LevelResult | undefined,
  base: LevelResult | undefined,
  pick: (r: LevelResult) => Summary,
): string {
  if (!ours || !base) return '';
  const a = pick(ours);
  const b = pick(base);
  return `${ratio(a.p50, b.p50)} / ${ratio(a.p99, b.p99)} / ${ratio(a.max, b.max)}`;
}

/** A cell padded to the column; a longer one keeps its text and pushes the next (better than cutting). */
function padCell(text: string): string {
  return text.length < COLUMN_WIDTH ? text.padEnd(COLUMN_WIDTH) : `${text}  `;
}

/** Secondary to the per-level figures: the media path's marginal CPU per call-minute, per traffic shape. */
export function mediaPathCpuLine(cpu: MarginalMediaPathCpu): string {
  const ratioText = cpu.ratio === null ? '' : ` (ours ${cpu.ratio}× the bare relay's)`;
  return `secondary, ${cpu.traffic}: media path CPU s per call-minute (marginal, slope over the levels that held): ours ${cpu.ours ?? '–'}, bare relay ${cpu.baseline ?? '–'}${ratioText}`;
}

export function capacityLines(capacities: readonly CapacityResult[]): string {
  const name = (c: CapacityResult) => (c.system === 'ours' ? 'ours' : 'bare relay');
  return capacities
    .map((c) => {
      const held = c.capacity === null ? 'no level held' : `${c.capacity} concurrent calls held`;
      const broke = c.firstBroken === null ? '' : `; broke at ${c.firstBroken}`;
      const stop =
        c.stoppedBy === 'time_budget'
          ? ' (stopped by the time budget)'
          : c.stoppedBy === 'levels_exhausted'
            ? ' (every level held)'
            : '';
      const limit = c.limitedBy ? `\n    limited by: ${c.limitedBy}` : '';
      const cpu = Object.entries(c.cpuPerCallMinute)
        .map(([role, seconds]) => `${role} ${seconds.toFixed(3)}`)
        .join(', ');
      const memory = Object.entries(c.rssPerCallMb)
        .map(([role, mb]) => `${role} ${mb.toFixed(3)}`)
        .join(', ');
      const slopes = [
        cpu ? `\n    CPU s per call-minute (slope over the levels that held): ${cpu}` : '',
        memory ? `\n    resident MB per live call (slope over levels): ${memory}` : '',
      ].join('');
      return `capacity, ${c.traffic} traffic, ${name(c)}: ${held}${broke}${stop}${limit}${slopes}`;
    })
    .join('\n');
}
