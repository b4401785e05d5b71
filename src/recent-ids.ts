/** A fixed-size window of recently delivered event ids, for the `dedupe` option. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #order: string[] = [];
  #next = 0;

  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** True if `id` is in the window; otherwise remembers it (evicting the oldest) and returns false. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    if (this.#order.length < this.#size) {
      this.#order.push(id);
    } else {
      this.#ids.delete(this.#order[this.#next] as string);
      this.#order[this.#next] = id;
      this.#next = (this.#next + 1) % this.#size;
    }
    this.#ids.add(id);
    return false;
  }
}
