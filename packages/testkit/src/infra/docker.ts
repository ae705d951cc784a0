import { getContainerRuntimeClient } from 'testcontainers';

/** Answers whether a container engine is reachable; injectable so source selection can be tested. */
export type DockerDetector = () => Promise<boolean>;

let cachedAnswer: Promise<boolean> | undefined;

/**
 * Whether Testcontainers finds a working container runtime. Asked once per process: the probe
 * can take seconds on machines where a socket exists but the engine hangs.
 */
export function dockerAvailable(): Promise<boolean> {
  cachedAnswer ??= getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  return cachedAnswer;
}
