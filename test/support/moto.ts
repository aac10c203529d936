/**
 * Starts `moto_server`, the local AWS emulator, on 127.0.0.1 and a free port, and stops it by
 * process id. Tests point the AWS SDK at it with AWS_ENDPOINT_URL and fake credentials.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface MotoServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Environment for AWS SDK clients that talk to the emulator and nothing else. */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/share-sentinel-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/share-sentinel-test/credentials',
  };
}

/**
 * Environment for moto_server itself. moto 5.2.1 creates a boto3 client the first time it serves
 * a REST-style service such as Lambda; without credentials in its environment, botocore would ask
 * the instance metadata service for some. Jest's per-file process.env does not reach a child
 * process unless it is passed, so the fake credentials are passed here explicitly.
 */
function motoProcessEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_PROFILE' || name === 'AWS_DEFAULT_PROFILE') {
      delete env[name];
    }
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/share-sentinel-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/share-sentinel-test/credentials',
  };
}

/** Returns a TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with status ${child.exitCode} before it answered`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts a fresh emulator. The caller must `stop()` it, normally in `afterAll`. */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  if (!motoAvailable()) {
    throw new Error('moto_server is not installed: install it with "pip install \'moto[server]\'" (the integration tests need it)');
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: motoProcessEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilReady(endpoint, child, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
