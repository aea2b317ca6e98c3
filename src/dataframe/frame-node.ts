import type { Topic } from '../topics/topic.ts';
import type { FrameOperator } from './define-operator.ts';

let nextId = 0;

/**
 * One node of the graph a set of StreamingDataFrames describes. A root reads a topic; every other
 * node applies one operator to the rows of its parents (two parents after `merge`). Nodes know
 * their children so that a runner can find the leaves; ids grow in declaration order.
 *
 * @example
 * ```ts
 * const root = FrameNode.root(app.topic('in'));
 * const child = root.derive(applyOperator((v: number) => v + 1));
 * ```
 */
export class FrameNode {
  readonly id = nextId++;
  readonly children: FrameNode[] = [];

  private constructor(
    readonly parents: readonly FrameNode[],
    readonly operator: FrameOperator | undefined,
    readonly topic: Topic<any, any> | undefined,
    /** A root that receives tombstones (null values) instead of failing on them. */
    readonly acceptsTombstones = false,
  ) {
    for (const p of parents) p.children.push(this);
  }

  /**
   * A node that emits the messages of `topic`; with `acceptsTombstones`, also those whose value
   * is null (otherwise such a message is a TombstoneError).
   *
   * @example
   * ```ts
   * FrameNode.root(topic).isRoot; // true
   * ```
   */
  static root(topic: Topic<any, any>, acceptsTombstones = false): FrameNode {
    return new FrameNode([], undefined, topic, acceptsTombstones);
  }

  /**
   * A node whose rows are the rows of all `parents`, each in arrival order.
   *
   * @example
   * ```ts
   * FrameNode.union([a, b]);
   * ```
   */
  static union(parents: readonly FrameNode[]): FrameNode {
    return new FrameNode(parents, undefined, undefined);
  }

  get isRoot(): boolean {
    return this.topic !== undefined;
  }

  /**
   * A child node applying `operator` to this node's rows.
   *
   * @example
   * ```ts
   * node.derive(filterOperator((v) => v !== null));
   * ```
   */
  derive(operator: FrameOperator): FrameNode {
    return new FrameNode([this], operator, undefined);
  }

  /**
   * This node and all its ancestors.
   *
   * @example
   * ```ts
   * node.ancestry().filter((n) => n.isRoot); // the roots this node reads from
   * ```
   */
  ancestry(): FrameNode[] {
    const seen = new Set<FrameNode>();
    const visit = (n: FrameNode) => {
      if (seen.has(n)) return;
      seen.add(n);
      for (const p of n.parents) visit(p);
    };
    visit(this);
    return [...seen].sort((a, b) => a.id - b.id);
  }

  /**
   * The nodes reachable from this one that have no children (the branches that must run), in
   * declaration order.
   *
   * @example
   * ```ts
   * root.leaves();
   * ```
   */
  leaves(): FrameNode[] {
    const seen = new Set<FrameNode>();
    const out: FrameNode[] = [];
    const visit = (n: FrameNode) => {
      if (seen.has(n)) return;
      seen.add(n);
      if (n.children.length === 0) out.push(n);
      for (const c of n.children) visit(c);
    };
    visit(this);
    return out.sort((a, b) => a.id - b.id);
  }
}
