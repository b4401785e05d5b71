import { launchChromiumEngine } from './chromium';
import { launchFirefoxEngine } from './firefox';
import { currentEngine, type EngineBrowser, type EngineName } from './types';
import { launchWebkitEngine } from './webkit';

export { currentEngine, ENGINES, type EngineBrowser, type EngineName, type EnginePage } from './types';

/** Launches the engine E2E_ENGINE names (or `name`). */
export function launchEngine(name: EngineName = currentEngine()): Promise<EngineBrowser> {
  if (name === 'firefox') return launchFirefoxEngine();
  if (name === 'webkit') return launchWebkitEngine();
  return launchChromiumEngine();
}
