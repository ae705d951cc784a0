import { describe, expect, it, vi } from 'vitest';
import {
  chooseInfraSource,
  dockerAvailable,
  startNatsServer,
  startPostgresServer,
} from '../../src/infra/index.js';
import { noDockerHere } from '../support/paths.js';

describe('chooseInfraSource', () => {
  it('prefers a URL from the environment and does not even probe Docker', async () => {
    const detectDocker = vi.fn(async () => true);
    await expect(chooseInfraSource('nats://10.0.0.1:4222', detectDocker)).resolves.toBe('env');
    expect(detectDocker).not.toHaveBeenCalled();
  });

  it('uses Testcontainers when no URL is set and Docker answers', async () => {
    await expect(chooseInfraSource(undefined, async () => true)).resolves.toBe('testcontainers');
  });

  it('falls back to local binaries when no URL is set and Docker does not answer', async () => {
    await expect(chooseInfraSource(undefined, async () => false)).resolves.toBe('local-binaries');
  });

  it('treats an empty URL as unset', async () => {
    await expect(chooseInfraSource('', async () => false)).resolves.toBe('local-binaries');
  });
});

describe.runIf(noDockerHere)('without a Docker engine', () => {
  it('dockerAvailable() answers false, once, and caches the answer', async () => {
    const first = dockerAvailable();
    expect(dockerAvailable()).toBe(first);
    await expect(first).resolves.toBe(false);
  });

  it('startPostgresServer routes to Testcontainers when told Docker answers, and says so when it fails', async () => {
    await expect(startPostgresServer({ env: {}, detectDocker: async () => true })).rejects.toThrow(
      /Testcontainers could not start postgres:16-alpine/,
    );
  });

  it('startNatsServer routes to Testcontainers when told Docker answers, and says so when it fails', async () => {
    await expect(startNatsServer({ env: {}, detectDocker: async () => true })).rejects.toThrow(
      /Testcontainers could not start nats:/,
    );
  });
});
