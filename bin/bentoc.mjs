#!/usr/bin/env node
// bentoc is written in TypeScript and runs through tsx's loader: no separate build step to forget.
import { register } from 'tsx/esm/api';
register();
await import('../compiler/cli/main.ts');
