import { type ChildProcess, spawn } from 'node:child_process';

/** A private X display for engines without a headless mode (WebKitGTK's MiniBrowser). */
export interface XDisplay {
  /** e.g. ":99", for DISPLAY */
  readonly display: string;
  stop(): Promise<void>;
}

/** Starts Xvfb on a free display it picks itself (-displayfd), loopback only (-nolisten tcp). */
export function startXvfb(): Promise<XDisplay> {
  const child: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let written = '';
    child.once('error', (error) => reject(new Error(`Xvfb did not start (apt-get install -y xvfb): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before giving a display: ${stderr}`)));
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      written += chunk.toString();
      if (!written.includes('\n')) return;
      resolve({
        display: `:${written.trim()}`,
        stop: () => stopChild(child),
      });
    });
  });
}

/** SIGTERM, then waits for the exit (SIGKILL if it lingers). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
