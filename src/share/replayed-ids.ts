/**
 * A leader that froze and was replaced delivered some events from its own connection that the new
 * leader, resuming from an older id, sends again. These helpers keep the ids a leader delivered and
 * tell which of the new leader's events this tab had already, so that it skips them.
 */

/** How many of its own last ids a leader keeps, to skip them if it was replaced while it froze. */
const OWN_IDS = 500;

/** `ownIds` with `id` added, trimmed to the last OWN_IDS once it holds twice as many. */
export const remember = (ownIds: string[], id: string): string[] =>
  ownIds.push(id) > 2 * OWN_IDS ? ownIds.slice(-OWN_IDS) : ownIds;

/** The ids this tab delivered after `resumeId`, the id a new leader resumes from. */
export function deliveredAfter(ownIds: string[], resumeId: string): string[] {
  const at = ownIds.lastIndexOf(resumeId);
  return at < 0 ? [] : ownIds.slice(at + 1);
}
