// Progress display: a cli-progress bar in a TTY, one plain line per step elsewhere (CI, logs).
import cliProgress from 'cli-progress';

/** One task's progress (messages done of total). */
export interface ProgressTask {
  update(done: number): void;
  stop(): void;
}

/** Creates tasks and logs notes without breaking the bars. */
export interface Progress {
  task(label: string, total: number): ProgressTask;
  log(message: string): void;
  stop(): void;
}

/**
 * A progress display for the current stdout.
 *
 * @example
 * ```ts
 * const progress = createProgress();
 * const t = progress.task('produce embedded', 500_000);
 * t.update(1000);
 * t.stop();
 * ```
 */
export function createProgress(): Progress {
  if (!process.stdout.isTTY) {
    return {
      task(label, total) {
        const started = Date.now();
        process.stdout.write(`  … ${label} (${total})\n`);
        return {
          update() {},
          stop() {
            process.stdout.write(`  ✓ ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
          },
        };
      },
      log: (message) => process.stdout.write(message + '\n'),
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { format: ' {bar} {percentage}% | {value}/{total} | {label}', hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  return {
    task(label, total) {
      const bar = multi.create(total, 0, { label });
      return {
        update: (done) => bar.update(Math.min(done, total), { label }),
        stop: () => {
          bar.update(total, { label });
          bar.stop();
        },
      };
    },
    log: (message) => multi.log(message + '\n'),
    stop: () => multi.stop(),
  };
}
