export * from './fuzz/index.js';
export * from './infra/index.js';
export * from './process/index.js';
