// SPDX-License-Identifier: GPL-3.0-or-later
//
// Starts s3rver (an S3 implementation from the npm registry) on 127.0.0.1
// with a temporary store, makes IDC's three buckets and uploads the objects
// `fake-idc --export-objects DIR` wrote as DIR/<bucket>/<key>, then prints
// "READY http://127.0.0.1:PORT" on stdout and serves until SIGTERM/SIGINT
// (or until stdin closes, so a test that dies takes the server with it).
//
//   node --openssl-legacy-provider s3rver-seed.mjs --modules NODE_MODULES \
//        --objects DIR [--port N]
//
// s3rver encrypts continuation tokens with DES: without the legacy OpenSSL
// provider every second listing page answers 500 (BUILD-NOTES.md).

import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';

const BUCKETS = ['idc-open-data', 'idc-open-data-two', 'idc-open-data-cr'];

function usage(message) {
  process.stderr.write(`s3rver-seed: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`${name} needs a value`);
    if (name === '--modules') args.modules = value;
    else if (name === '--objects') args.objects = value;
    else if (name === '--port') args.port = Number.parseInt(value, 10);
    else usage(`unknown option ${name}`);
    i++;
  }
  if (!args.modules || !args.objects) usage('--modules and --objects are required');
  return args;
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

// s3rver answers a PUT before the file is fully written: wait until HEAD
// reports the whole size.
async function waitForSize(url, size) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await fetch(url, { method: 'HEAD' });
    if (response.ok && Number(response.headers.get('content-length')) === size) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${url} never reached ${size} bytes`);
}

async function upload(endpoint, root) {
  let count = 0;
  for (const bucket of BUCKETS) {
    let dir;
    try {
      if (!statSync(join(root, bucket)).isDirectory()) continue;
      dir = join(root, bucket);
    } catch {
      continue;
    }
    for (const path of walk(dir)) {
      const key = relative(dir, path).split(sep).join('/');
      const body = readFileSync(path);
      const url = `${endpoint}/${bucket}/${key}`;
      const response = await fetch(url, { method: 'PUT', body });
      if (!response.ok) throw new Error(`PUT ${url}: ${response.status}`);
      await waitForSize(url, body.length);
      count++;
    }
  }
  return count;
}

const args = parseArgs(process.argv.slice(2));
const require = createRequire(join(resolve(args.modules), 'noop.js'));
const S3rver = require('s3rver');
const store = mkdtempSync(join(tmpdir(), 's3rver-'));
const server = new S3rver({
  address: '127.0.0.1',
  port: args.port,
  directory: store,
  silent: true,
  configureBuckets: BUCKETS.map((name) => ({ name })),
});

let stopping = false;
async function stop(status) {
  if (stopping) return;
  stopping = true;
  try {
    await server.close();
  } catch {
    // not running yet
  }
  rmSync(store, { recursive: true, force: true });
  process.exit(status);
}

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.resume();

try {
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const count = await upload(endpoint, args.objects);
  process.stdout.write(`READY ${endpoint} ${count}\n`);
} catch (error) {
  process.stderr.write(`s3rver-seed: ${error.message}\n`);
  await stop(1);
}
