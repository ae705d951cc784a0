export {
  type AgentProfileInput,
  agentProfileInputSchema,
  checkAgentProfileInput,
  checkRealtimeProfile,
  type ProfileCheck,
  type ProfileProblem,
  REALTIME_VOICES,
  realtimeProfileSchema,
  TRANSCRIPTION_MODELS,
  turnDetectionSchema,
  validAgentProfile,
} from './agent-profile.js';
export { type CreateDatabaseOptions, createDatabase, type Database, type DatabaseHandle } from './client.js';
export { isDatabaseUnavailable } from './database-unavailable.js';
export { ensureDatabaseExists, migrateDatabase, migrationsFolder } from './migrate.js';
export * from './schema.js';
export {
  DEMO_AGENT_ID,
  DEMO_AGENT_NUMBER,
  DEMO_CALLER_NUMBER,
  DEMO_HUMAN_TOKENS,
  DEMO_TOOLS,
  hashToken,
  seedDemoData,
} from './seed.js';
