// The embedded broker's entry points.
export { startBroker, type BrokerOptions, type BrokerHandle } from './start-broker.ts';
export { launchBroker, type LaunchBrokerOptions } from './launch-broker.ts';
export { createHandlerRegistry } from './handlers/index.ts';
