import type { DockerDetector } from './docker.js';

/** Where a test server came from: a URL in the environment, a container, or local binaries. */
export type InfraSource = 'env' | 'testcontainers' | 'local-binaries';

/**
 * The resolution order of the design: an explicit URL wins (and Docker is not even probed),
 * then Testcontainers when an engine answers, else the local binaries.
 */
export async function chooseInfraSource(
  envUrl: string | undefined,
  detectDocker: DockerDetector,
): Promise<InfraSource> {
  if (envUrl !== undefined && envUrl !== '') return 'env';
  return (await detectDocker()) ? 'testcontainers' : 'local-binaries';
}
