import { baseConfigShape, databaseConfigShape, devDefault, httpConfigShape } from '@voice/shared/config';
import { z } from 'zod';

export const recorderConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8084),
  /** Bearer token of the Calls API. */
  CALLS_API_TOKEN: devDefault(
    z.string().min(16, 'use at least 16 characters'),
    'dev-calls-api-token-change-me',
  ),
});

export type RecorderConfig = z.infer<typeof recorderConfigSchema>;
