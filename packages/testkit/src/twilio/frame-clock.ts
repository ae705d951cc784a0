/** Frames a late timer may send at once to catch up; past it the clock skips ahead instead. */
const MAX_CATCH_UP_FRAMES = 250;

export interface FrameClock {
  stop(): void;
}

/**
 * Calls `onFrame(index)` every `frameMs`, drift-corrected: each tick is scheduled against the
 * start time, not the previous tick, and frames a busy event loop made late are sent at once
 * (as a network would deliver them), so over a call the pace is real time. `index` counts
 * frames since the start; it skips only after a stall longer than the catch-up limit.
 */
export function startFrameClock(frameMs: number, onFrame: (index: number) => void): FrameClock {
  const origin = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = true;

  const tick = () => {
    if (!running) return;
    const due = Math.floor((performance.now() - origin) / frameMs);
    if (due - next > MAX_CATCH_UP_FRAMES) next = due - MAX_CATCH_UP_FRAMES;
    while (running && next <= due) onFrame(next++);
    if (running) timer = setTimeout(tick, Math.max(0, origin + next * frameMs - performance.now()));
  };
  tick();
  return {
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}
