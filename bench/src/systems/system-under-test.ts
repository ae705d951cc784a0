import type { CallerTarget } from '../load/ipc.js';
import type { ProcessGroup } from '../measure/process-group.js';
import type { LoopLagProbe } from '../measure/service-probes.js';

/** Which system a level ran against. */
export type SystemName = 'ours' | 'baseline';

/** One system the callers dial, with the processes and probes that measure it. */
export interface SystemUnderTest {
  name: SystemName;
  /** How the table names it. */
  label: string;
  target: CallerTarget;
  groups: ProcessGroup[];
  lagProbes: LoopLagProbe[];
  /** Resolves true once the system holds no call, false if it still does after `timeoutMs`. */
  waitIdle(timeoutMs: number): Promise<boolean>;
  /** The tool round trip through NATS and Postgres can be probed (only the real system has tools). */
  hasTools: boolean;
  stop(): Promise<void>;
}
