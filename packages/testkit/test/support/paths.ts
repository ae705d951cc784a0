import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real committed migrations, by path: the testkit must not depend on @voice/shared. */
export const sharedMigrationsFolder = fileURLToPath(new URL('../../../shared/drizzle', import.meta.url));

/** System services this machine runs, for the env-URL paths. */
export const SYSTEM_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const SYSTEM_NATS_URL = 'nats://127.0.0.1:4222';

/** No Docker engine to be found: the fallback assertions only hold then. */
export const noDockerHere = !existsSync('/var/run/docker.sock') && process.env.DOCKER_HOST === undefined;
