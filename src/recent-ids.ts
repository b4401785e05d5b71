/**
 * A window of the `size` most recently delivered event ids, for the `dedupe` option. Returns `seen(id)`:
 * true if `id` is in the window; otherwise it remembers `id` (forgetting the oldest) and returns false.
 * A Set iterates in insertion order, so its first entry is the oldest.
 */
export function recentIds(size: number): (id: string) => boolean {
  const ids = new Set<string>();
  return (id) => {
    if (ids.has(id)) return true;
    ids.add(id);
    if (ids.size > size) ids.delete(ids.values().next().value as string);
    return false;
  };
}
