#!/usr/bin/env node
// The CLI from its TypeScript sources through tsx (a devDependency): what tests and benchmarks
// spawn, so they never run a stale dist/. Same arguments as `r1flow`; see README "Development".
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
