export { type DockerDetector, dockerAvailable } from './docker.js';
export { chooseInfraSource, type InfraSource } from './infra-source.js';
export {
  type NatsServer,
  type StartNatsServerOptions,
  startNatsServer,
  TEST_NATS_URL,
} from './nats-server.js';
export {
  type PostgresServer,
  type StartPostgresServerOptions,
  startPostgresServer,
  TEST_DATABASE_URL,
} from './postgres-server.js';
export { TcpProxy, type TcpTarget, targetOf, throughProxy } from './tcp-proxy.js';
export { type CreateTestDatabaseOptions, createTestDatabase, type TestDatabase } from './test-database.js';
export {
  type SharedPostgresServer,
  type StartTestInfraOptions,
  startTestInfra,
  type TestInfra,
} from './test-infra.js';
