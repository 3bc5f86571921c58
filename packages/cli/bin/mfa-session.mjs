#!/usr/bin/env node
// Launcher kept outside dist/ so that pnpm can link the command before the package is built.
await import("../dist/esm/cli.js");
