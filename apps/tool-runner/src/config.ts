import { baseConfigShape, databaseConfigShape, httpConfigShape, intVariable } from '@voice/shared/config';
import { z } from 'zod';

export const toolRunnerConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8082),
  /** Deadline of a tool that declares none (ms); a request's own shorter wait still wins. */
  TOOL_TIMEOUT_MS: intVariable(5_000, 100, 120_000),
});

export type ToolRunnerConfig = z.infer<typeof toolRunnerConfigSchema>;
