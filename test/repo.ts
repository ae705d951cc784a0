import { fileURLToPath } from 'node:url';

/** The repository root, for spawning the built apps and reading committed files. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
