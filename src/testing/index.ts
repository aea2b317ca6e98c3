// sluice/testing: helpers to test pipelines without Kafka.
export { TestDriver, type SendOptions, type DriverRecord } from './test-driver.ts';
