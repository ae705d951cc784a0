import { hostname } from 'node:os';

/** A stable name for this process: the configured one, or host + pid. */
export function instanceId(service: string, configured?: string): string {
  return configured ?? `${service}-${hostname()}-${process.pid}`;
}
