export { callLogger, createLogger, type Logger, type LoggerOptions } from './logger.js';
export { maskPhone, maskPhonesInText } from './mask.js';
