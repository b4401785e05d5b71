/**
 * Live chart (uPlot, loaded as a classic script): events per second and the reconnect delays
 * scheduled in each second, over the last minute. One setData per second, whatever the rate.
 */

const POINTS = 60;

export class RateChart {
  #plot;
  #times = [];
  #rates = [];
  #delays = [];
  #events = 0;
  #delay = null;

  constructor(container) {
    const uPlot = window.uPlot;
    // The chart is an extra: where uPlot failed to load (WebKit under the C locale, where its
    // Intl.NumberFormat(navigator.language) throws, or a blocked script), the page runs without it.
    if (typeof uPlot !== 'function') {
      container.textContent = 'Chart unavailable: uPlot did not load.';
      container.dataset.unavailable = '';
      return;
    }
    const { width, height } = sizeOf(container);
    this.#plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] },
          ms: { range: (_u, _min, max) => [0, Math.max(1000, max * 1.15)] },
        },
        axes: [
          // Seconds only: uPlot's default adds a date line that costs a row of height.
          {
            stroke: '#6b7280',
            grid: { stroke: '#eef0f3' },
            ticks: { stroke: '#e5e7eb' },
            space: 60,
            values: (_u, splits) => splits.map(clock),
          },
          {
            stroke: '#6b7280',
            grid: { stroke: '#eef0f3' },
            ticks: { stroke: '#e5e7eb' },
            size: 44,
            values: (_u, splits) => splits.map(short),
          },
          {
            scale: 'ms',
            side: 1,
            stroke: '#b45309',
            grid: { show: false },
            ticks: { stroke: '#e5e7eb' },
            size: 50,
            values: (_u, splits) => splits.map(short),
          },
        ],
        series: [
          {},
          {
            label: 'events/s',
            stroke: '#2563eb',
            width: 1.5,
            fill: 'rgba(37, 99, 235, 0.12)',
            points: { show: false },
          },
          // Points only: a delay is a single moment, not a trend to join up.
          {
            label: 'reconnect delay',
            scale: 'ms',
            stroke: '#d97706',
            width: 0,
            paths: () => null,
            points: { show: true, size: 8, fill: '#d97706', stroke: '#d97706' },
          },
        ],
      },
      [[], [], []],
      container,
    );
    new ResizeObserver(() => this.#plot.setSize(sizeOf(container))).observe(container);
  }

  countEvent() {
    this.#events++;
  }

  /** A reconnect was scheduled with this delay; the largest in a second is plotted. */
  reconnectDelay(ms) {
    if (ms === null || ms === undefined) return;
    this.#delay = Math.max(this.#delay ?? 0, ms);
  }

  /** Called once per second: closes the current bucket and redraws. */
  tick(nowMs = Date.now()) {
    this.#times.push(Math.round(nowMs / 1000));
    this.#rates.push(this.#events);
    this.#delays.push(this.#delay);
    this.#events = 0;
    this.#delay = null;
    if (this.#times.length > POINTS) {
      this.#times.shift();
      this.#rates.shift();
      this.#delays.shift();
    }
    this.#plot?.setData([this.#times, this.#rates, this.#delays]);
  }
}

const clock = (seconds) => new Date(seconds * 1000).toTimeString().slice(0, 8);
/** Axis labels stay narrow at any rate: 2500 → "2.5k". */
const short = (value) => (Math.abs(value) >= 1000 ? `${+(value / 1000).toFixed(1)}k` : String(+value.toFixed(1)));

function sizeOf(container) {
  return {
    width: Math.max(100, Math.floor(container.clientWidth)),
    height: Math.max(80, Math.floor(container.clientHeight)),
  };
}
