import { Subject, merge, share, type Observable, type Subscription } from 'rxjs';
import type { FrameNode } from './frame-node.ts';
import type { PipelineEnv } from './pipeline-env.ts';
import type { Row } from './row.ts';

/**
 * A compiled set of frames: push a row into the input of its topic and, synchronously, every
 * branch runs in declaration order.
 *
 * @example
 * ```ts
 * const p = compilePipeline(root.leaves(), env, () => {});
 * for (const input of p.inputs.get('jokes') ?? []) input.next(row);
 * p.dispose();
 * ```
 */
export interface CompiledPipeline {
  /** Topic name → the inputs of the roots reading it (one per `app.dataframe(topic)` call). */
  readonly inputs: ReadonlyMap<string, readonly Subject<Row>[]>;
  /** Topic names the pipeline reads. */
  readonly topics: readonly string[];
  dispose(): void;
}

/**
 * Compiles the frames ending in `targets` into one RxJS graph. Nodes feeding more than one
 * consumer are shared, so each operator runs once per row however many branches follow it.
 * `sink(target, row)` receives the rows reaching each target.
 *
 * @example
 * ```ts
 * const out: Row[] = [];
 * const p = compilePipeline([sdf.node], env, (_t, row) => out.push(row));
 * ```
 */
export function compilePipeline(targets: readonly FrameNode[], env: PipelineEnv, sink: (target: FrameNode, row: Row) => void): CompiledPipeline {
  const nodes = new Set<FrameNode>();
  for (const t of targets) for (const n of t.ancestry()) nodes.add(n);
  const consumers = new Map<FrameNode, number>();
  for (const n of nodes) for (const p of n.parents) consumers.set(p, (consumers.get(p) ?? 0) + 1);
  for (const t of targets) consumers.set(t, (consumers.get(t) ?? 0) + 1);

  const inputs = new Map<string, Subject<Row>[]>();
  const built = new Map<FrameNode, Observable<Row>>();
  const build = (node: FrameNode): Observable<Row> => {
    const cached = built.get(node);
    if (cached) return cached;
    let obs: Observable<Row>;
    if (node.topic) {
      const subject = new Subject<Row>();
      const list = inputs.get(node.topic.name) ?? [];
      list.push(subject);
      inputs.set(node.topic.name, list);
      obs = subject;
    } else {
      const upstream = node.parents.length === 1 ? build(node.parents[0]) : merge(...node.parents.map(build));
      obs = node.operator ? upstream.pipe(node.operator.build(env)) : upstream;
      if ((consumers.get(node) ?? 0) > 1) obs = obs.pipe(share());
    }
    built.set(node, obs);
    return obs;
  };

  const subscriptions: Subscription[] = [];
  for (const target of [...targets].sort((a, b) => a.id - b.id)) {
    subscriptions.push(build(target).subscribe((row) => sink(target, row)));
  }
  return {
    inputs,
    topics: [...inputs.keys()],
    dispose: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
