#!/usr/bin/env node
// Command-line entry point. tsx compiles the TypeScript sources on load, so the tool runs from a
// clean checkout after `npm ci` with no build step.
'use strict';

require('tsx/cjs/api').register();
const { main } = require('./cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`share-sentinel: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
