export { JetStreamOutbox, type OutboxOptions, type OutboxOutcome } from './jetstream-outbox.js';
export { publishContract } from './publish-contract.js';
