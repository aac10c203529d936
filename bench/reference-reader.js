#!/usr/bin/env node
// The reference readers the scanner is compared with, run as their own Node.js process:
//
//   node bench/reference-reader.js gunzip LIST   read and decompress every file (the physical floor)
//   node bench/reference-reader.js parse LIST    the same, then JSON.parse each file (the naive floor)
//
// LIST is a file of NUL-separated paths. Files are read one after another on the main thread,
// with no read-ahead. It prints {"files":N,"bytes":N,"records":N} on stdout, where bytes are
// uncompressed bytes and records are counted only by `parse`. Plain JavaScript, so that neither
// reader pays for compiling TypeScript at start-up.
'use strict';

const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');

function main(argv) {
  const [mode, listFile] = argv;
  if ((mode !== 'gunzip' && mode !== 'parse') || listFile === undefined) {
    process.stderr.write('usage: node bench/reference-reader.js gunzip|parse LIST\n');
    return 2;
  }
  const files = readFileSync(listFile, 'utf8').split('\0').filter((file) => file !== '');
  let bytes = 0;
  let records = 0;
  for (const file of files) {
    const body = gunzipSync(readFileSync(file));
    bytes += body.length;
    if (mode === 'parse') {
      const document = JSON.parse(body.toString('utf8'));
      records += Array.isArray(document.Records) ? document.Records.length : 0;
    }
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, bytes, records })}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
