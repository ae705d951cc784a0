import { fileURLToPath } from 'node:url';
import { callersReadySchema, modelReadySchema } from './load/ipc.js';
import { LoadProcess } from './load/rpc.js';
import type { ProcessGroup } from './measure/process-group.js';

/** The benchmark's own load processes: the simulated callers and the fake model. */
export interface Harness {
  callers: LoadProcess;
  model: LoadProcess;
  restApiUrl: string;
  modelEndpoint: { baseURL: string; caFile: string; apiKey: string };
  /** Measured like the systems, so the report shows what the harness itself used. */
  groups: ProcessGroup[];
  stop(): Promise<void>;
}

const modulePath = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Forks the callers and the fake model as processes of their own: each gets its own event
 * loop (the fake's lag would otherwise delay the callers' frames and stamps), and both stamp
 * times on the system-wide monotonic clock, so their timestamps compare.
 */
export async function startHarness(): Promise<Harness> {
  const [callers, model] = await Promise.all([
    LoadProcess.start('callers', modulePath('./load/callers-main.js'), callersReadySchema),
    LoadProcess.start('fake-model', modulePath('./load/model-main.js'), modelReadySchema),
  ]);
  return {
    callers: callers.process,
    model: model.process,
    restApiUrl: callers.info.restApiUrl,
    modelEndpoint: model.info,
    groups: [
      { role: 'callers', owner: 'harness', pid: callers.process.pid, memory: true },
      { role: 'fake-model', owner: 'harness', pid: model.process.pid, memory: true },
      { role: 'orchestrator', owner: 'harness', pid: process.pid, memory: false },
    ],
    async stop() {
      await Promise.all([callers.process.stop(), model.process.stop()]);
    },
  };
}
