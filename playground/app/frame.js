/**
 * Coalesces any number of update requests into one render per animation frame: a burst of
 * thousands of events costs one DOM update, not thousands.
 */
export function renderOnFrame(render) {
  let queued = false;
  return function requestRender() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  };
}
