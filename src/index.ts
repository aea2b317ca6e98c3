// The public API of sluice: explicit named exports only.
export { SluiceError, ConfigError } from './errors.ts';
