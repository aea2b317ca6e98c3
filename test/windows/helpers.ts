import { InMemoryStateStore } from '../../src/state/memory/in-memory-state-store.ts';
import type { WindowLogic, WindowOutcome } from '../../src/windows/window-types.ts';

export type Rec = [key: string, value: unknown, timestamp: number];

/** Feeds records one transaction each into a window over an in-memory store. */
export function makeFeeder<R>(window: WindowLogic<R>) {
  const store = new InMemoryStateStore({ topic: 't', partition: 0 });
  const run = <T>(f: (view: ReturnType<ReturnType<InMemoryStateStore['begin']>['view']>) => T): T => {
    const tx = store.begin();
    const out = f(tx.view(window.name));
    tx.commit();
    return out;
  };
  return {
    store,
    run,
    feed(records: Rec[]): WindowOutcome<R>[] {
      return records.map(([k, v, ts]) => run((view) => window.process(k, v, ts, view)));
    },
    closeAll() {
      return run((view) => window.closeAll(view));
    },
  };
}

/** Compact form of events: `key[start,end)=value`. */
export function fmt(events: Array<{ key: unknown; start: number; end: number; value: unknown }>): string[] {
  return events.map((e) => `${String(e.key)}[${e.start},${e.end}]=${JSON.stringify(e.value)}`);
}
