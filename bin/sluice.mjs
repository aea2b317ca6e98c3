#!/usr/bin/env node
// The `sluice` command. Registers tsx's loader in this process, so that the CLI and the apps it runs,
// written in TypeScript, load without a build step, and signals (Ctrl-C, SIGTERM) reach the app directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
