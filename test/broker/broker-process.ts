import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const fixture = path.join(import.meta.dirname, 'fixtures/broker-process.ts');

/** An embedded broker in a child process, so a test can kill it with SIGKILL. */
export interface BrokerProcess {
  readonly address: string;
  readonly port: number;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** Starts the broker on `dataDir` in a child process and resolves once it listens (rejects after 30 s). */
export function startBrokerProcess(dataDir: string): Promise<BrokerProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker process did not listen within 30 s; stderr: ${err}`));
    }, 30_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+:(\d+))\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        address: m[1]!,
        port: Number(m[2]),
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`broker process exited (${code ?? signal}) before listening; stderr: ${err}`));
    });
  });
}
