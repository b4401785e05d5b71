/**
 * Built-in demo traffic for the playground: a clock and a random-walk ticker.
 * They publish through the log like anyone else, so resume and replay apply.
 */
import type { PublishInput } from './publish.js';

export interface ProducerOptions {
  timeMs?: number;
  tickerMs?: number;
}

const SYMBOLS: Record<string, number> = { ACME: 123.45, GLOBEX: 58.2, INITECH: 12.07, UMBRELLA: 301.9 };

/** Starts the producers; returns the function that stops them. */
export function startProducers(publish: (event: PublishInput) => void, options: ProducerOptions = {}): () => void {
  const prices = new Map(Object.entries(SYMBOLS));
  const names = [...prices.keys()];
  let turn = 0;

  const clock = setInterval(() => publish({ event: 'server-time', data: { now: Date.now() } }), options.timeMs ?? 1000);

  const ticker = setInterval(() => {
    const sym = names[turn++ % names.length] ?? 'ACME';
    const previous = prices.get(sym) ?? 100;
    // A small multiplicative step keeps prices positive and plausible.
    const px = Math.max(0.01, Math.round(previous * (1 + (Math.random() - 0.5) * 0.01) * 100) / 100);
    prices.set(sym, px);
    publish({ event: 'price', data: { sym, px } });
  }, options.tickerMs ?? 500);

  return () => {
    clearInterval(clock);
    clearInterval(ticker);
  };
}
