import { type Election, elect, type Locks } from './election';

/** The client (tab) that holds the lock `name`, if any. */
export async function holderOf(locks: Locks, name: string): Promise<string | undefined> {
  const { held = [] } = await locks.query();
  return held.find((lock) => lock.name === name)?.clientId;
}

/**
 * Takes the lock `name` from a leader that stopped answering (frozen, hung, paused in a debugger), which
 * cannot give it up itself. Under a second lock, so one tab steals at a time; and only while `silent` (the
 * client that held it when the silence began) still holds it and `stillSilent()`, so a tab that took over
 * meanwhile keeps the lead. Resolves to the new election, or undefined if this tab did not steal.
 */
export async function takeOver(
  locks: Locks,
  name: string,
  silent: string,
  stillSilent: () => boolean,
  won: () => void,
  lost: () => void,
): Promise<Election | undefined> {
  // The lock's promise resolves with the callback's (its awaited result), whatever the DOM typings say.
  return await locks.request(`${name}:takeover`, { ifAvailable: true }, async (lock) => {
    if (!lock || !stillSilent() || (await holderOf(locks, name)) !== silent || !stillSilent()) return undefined;
    const election = elect(locks, name, won, lost, true);
    // Hold the takeover lock until the steal is granted: the next tab to look then sees the new holder.
    return (await election.granted) ? election : undefined;
  });
}
