import { baseConfigShape, databaseConfigShape, httpConfigShape } from '@voice/shared/config';
import { z } from 'zod';

export const orderStatusWorkerConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8085),
});
