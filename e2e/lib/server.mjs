// Starts the release binary for a test file: a fresh SQLite database and object folder in a
// temporary directory, the demo catalog, an admin token, a free port. Waits until the server is
// ready and every demo model has been processed (posters, optimized GLB, USDZ), so tests see the
// shop as a shopper does once the background jobs are done.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ADMIN_TOKEN = 'e2e-admin-token';

/** @returns {Promise<number>} a free TCP port on 127.0.0.1 */
function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** The binary under test: SHOWROOM_BIN, else the workspace's release build. */
export function binaryPath() {
  if (process.env.SHOWROOM_BIN) return process.env.SHOWROOM_BIN;
  const target = process.env.CARGO_TARGET_DIR || resolve(import.meta.dirname, '../../target');
  return join(target, 'release', 'showroom');
}

/**
 * @param {{ env?: Record<string, string> }} [options]
 * @returns {Promise<{ base: string, stop: () => Promise<void>, log: () => string, admin: (path: string) => Promise<any> }>}
 */
export async function startShop(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'showroom-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(binaryPath(), ['serve', '--demo', '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: {
      ...process.env,
      SHOWROOM_DATABASE_URL: `sqlite://${dir}/shop.db`,
      SHOWROOM_STORAGE_URL: `file://${dir}/objects`,
      SHOWROOM_ADMIN_TOKEN: ADMIN_TOKEN,
      SHOWROOM_PUBLIC_URL: base,
      SHOWROOM_LOG_FORMAT: 'json',
      // Browsers make many requests per page; the default per-IP limits are for the internet.
      SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC: '10000',
      SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST: '10000',
      SHOWROOM_SHIELD__RATE_LIMIT__STRICT_PER_SEC: '10000',
      SHOWROOM_SHIELD__RATE_LIMIT__STRICT_BURST: '10000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((done) => child.once('exit', done));

  /** @param {string} path */
  const admin = async (path) => {
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`showroom exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`showroom not ready with its demo models in 240 s:\n${output.slice(-4000)}`);
    try {
      const ready = await fetch(`${base}/readyz`);
      if (ready.ok) {
        const assets = await admin('/api/v1/admin/assets');
        const list = Array.isArray(assets) ? assets : assets.items ?? [];
        const failed = list.filter((/** @type {any} */ a) => a.status === 'failed');
        if (failed.length) throw new Error(`demo models failed: ${JSON.stringify(failed)}`);
        if (list.length >= 24 && list.every((/** @type {any} */ a) => a.status === 'ready')) break;
      }
    } catch (error) {
      if (String(error).includes('demo models failed')) throw error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    admin,
    log: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
