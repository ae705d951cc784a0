import type { LoopLag } from '../load/ipc.js';
import type { ProcessGroup } from '../measure/process-group.js';
import type { ToolProbeResult } from '../measure/tool-prober.js';
import type { Summary } from '../stats/summary.js';
import type { SystemName } from '../systems/system-under-test.js';
import type { TrafficName } from '../traffic/shape.js';

/** One direction of the media path over a level's window. */
export interface DirectionResult {
  /** Added one-way latency: sent at one socket → received at the other (ms). */
  latency: Summary;
  sent: number;
  received: number;
  /** Sent in the window, never received. */
  lost: number;
  /** Received after a later frame of the same stream. */
  reordered: number;
  duplicates: number;
  /** Media without a readable marker (should be none: it would mean damaged audio). */
  unmarked: number;
}

/** What one process (or group: Postgres and its backends) used over the window. */
export interface ProcessUsage {
  role: string;
  owner: ProcessGroup['owner'];
  /** Gateway, media-bridge and NATS (or the bare relay): the processes every frame passes. */
  mediaPath: boolean;
  cpuSeconds: number;
  /** CPU over the window as a share of one core (100 = one core busy all the time). */
  corePercent: number;
  cpuSecondsPerCallMinute: number;
  rssMb: number | null;
  /** Resident memory at the end of the window above what it was idle before the level, per call. */
  rssPerCallMb: number | null;
}

/** One level (N concurrent calls) against one system. */
export interface LevelResult {
  system: SystemName;
  /** How the level's traffic was shaped (see `TrafficShape`). */
  traffic: TrafficName;
  calls: number;
  windowSeconds: number;
  /** Calls greeted before the window opened. */
  connected: number;
  /** Calls that failed, by reason (set-up timeouts, refusals, no greeting in time, …). */
  failures: Record<string, number>;
  callerToModel: DirectionResult;
  modelToCaller: DirectionResult;
  /** Webhook POST → first greeting frame at the caller (ms). */
  setup: Summary;
  /** `speech_started` sent by the model → `clear` received by the caller (ms). */
  bargeIn: Summary & { missed: number };
  /** Function call sent by the model → its output back at the model, through the media-bridge, NATS, tool-runner and Postgres (ms). */
  toolViaModel: (Summary & { unanswered: number }) | null;
  /** A tool request straight on NATS → tool-runner → Postgres → reply, at a steady rate during the window (ms). */
  toolDirect: ToolProbeResult | null;
  processes: ProcessUsage[];
  /** CPU seconds per call-minute of the media path (gateway + media-bridge + NATS, or the bare relay) this level. */
  mediaPathCpuPerCallMinute: number;
  /** Busy share of the whole machine over the window (100 = every core busy). */
  machineCpuPercent: number;
  /**
   * Busy CPU not accounted to any measured process, in cores: other programs on the machine
   * (another test run would show here) and kernel work such as loopback networking.
   */
  unattributedCores: number;
  /**
   * Share of the window during which some task waited for a CPU (Linux PSI): how contended the
   * cores were, even when the average busy share looks moderate. Null where not reported.
   */
  cpuPressurePercent: number | null;
  /** Event-loop delay over the window, per process (ms beyond the timer's period). */
  eventLoopLag: Record<string, LoopLag>;
  verdict: { held: boolean; reasons: string[] };
}

/** How far a system climbed. */
export interface CapacityResult {
  system: SystemName;
  traffic: TrafficName;
  /** The most concurrent calls that held (zero loss, p99 under the limit, every call set up); null if none did. */
  capacity: number | null;
  /** The first level that did not hold, if one was reached. */
  firstBroken: number | null;
  stoppedBy: 'broke' | 'time_budget' | 'levels_exhausted';
  /** What limited it, read from the broken level's processes. */
  limitedBy: string | null;
  /**
   * Resident memory per live call of each of its processes: the slope of memory against calls
   * over every level it ran (least squares), steadier than any one level's difference.
   */
  rssPerCallMb: Record<string, number>;
  /**
   * Marginal CPU seconds per call-minute of each of its processes: the slope of CPU against
   * calls over the levels that held, without the fixed costs a small level's figure carries.
   */
  cpuPerCallMinute: Record<string, number>;
}
