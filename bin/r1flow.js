#!/usr/bin/env node
// r1flow runs its TypeScript sources through tsx (a regular dependency), so a checkout
// works with `npx r1flow` and nothing global; see README "Development".
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
