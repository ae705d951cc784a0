import { fileURLToPath } from 'node:url';

/** The repository root: the process tests run the built apps (`apps/<name>/dist/main.js`). */
export const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
