// The coordinator tests use the broker tests' in-memory OffsetStore.
export { MemoryOffsetStore } from '../broker/memory-log-storage.ts';
