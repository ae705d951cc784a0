import { workspaceTestConfig } from '@voice/testkit/vitest/config';

export default workspaceTestConfig();
