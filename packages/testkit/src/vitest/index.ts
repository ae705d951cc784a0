export {
  providedPostgresServer,
  type TestInfraHandle,
  type UseTestInfraOptions,
  useTestInfra,
} from './use-test-infra.js';
