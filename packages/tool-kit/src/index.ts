export { askTool, requestTool, requestToolRaw } from './client/request-tool.js';
export { budgetMs, DeadlineExceededError, type DeadlineOutcome, runWithDeadline } from './deadline.js';
export {
  defineTool,
  type ServableTool,
  TOOL_TIMEOUT_METADATA_KEY,
  type ToolDefinition,
  type ToolRun,
  toolCallContext,
} from './define-tool.js';
export {
  DEFAULT_TOOL_TIMEOUT_MS,
  type DiscoveredTool,
  type DiscoverOptions,
  discoverTools,
  toRealtimeTool,
} from './discovery.js';
export { type ServeToolsOptions, serveTools, type ToolServer } from './serve/serve-tools.js';
export { ToolCallError, toolError, toolFailure, toToolError } from './tool-error.js';
export { checkArguments, toolParameters } from './tool-schema.js';
