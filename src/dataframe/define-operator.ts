import { Observable, type OperatorFunction } from 'rxjs';
import type { PipelineEnv } from './pipeline-env.ts';
import type { Row } from './row.ts';

/**
 * Handles one row; calls `push` zero or more times with the rows it emits.
 *
 * @example
 * ```ts
 * const twice: RowHandler = (row, push) => { push(row); push(row); };
 * ```
 */
export type RowHandler = (row: Row, push: (row: Row) => void) => void;

/**
 * A frame's step: given the pipeline's environment, the RxJS operator that runs it.
 *
 * @example
 * ```ts
 * const identity: FrameOperator = { name: 'identity', build: () => (source) => source };
 * ```
 */
export interface FrameOperator {
  /** Shown in error messages and logs: 'apply', 'filter', ... */
  readonly name: string;
  /** Builds the RxJS operator for one compiled pipeline. */
  readonly build: (env: PipelineEnv) => OperatorFunction<Row, Row>;
}

/**
 * The one helper every DataFrame operator is built with. The handler runs synchronously for each
 * row; whatever it throws is handed to `env.fail` with the row (the row is then dropped) so that
 * one bad message never tears down the RxJS chain.
 *
 * @example
 * ```ts
 * export const doubleIt = defineOperator('double', () => (row, push) => push({ value: (row.value as number) * 2, ctx: row.ctx }));
 * ```
 */
export function defineOperator(name: string, build: (env: PipelineEnv) => RowHandler): FrameOperator {
  const buildOp = (env: PipelineEnv): OperatorFunction<Row, Row> => {
    const handle = build(env);
    return (source) =>
      new Observable<Row>((subscriber) => {
        const push = (row: Row) => subscriber.next(row);
        return source.subscribe({
          next(row) {
            try {
              handle(row, push);
            } catch (error) {
              env.fail(error, row, name);
            }
          },
          error: (e) => subscriber.error(e),
          complete: () => subscriber.complete(),
        });
      });
  };
  return { name, build: buildOp };
}
