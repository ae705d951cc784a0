export { type Random, seededRandom } from './random.js';
export { mutateJson, mutateText, randomJson, randomObject, randomString } from './values.js';
