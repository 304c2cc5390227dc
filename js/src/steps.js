// The threshold slider works in "rows flagged", on a log scale: the kernel sends `steps`, a
// list of [n_flagged, threshold] pairs with n_flagged ascending (0, 1, 2, ... then log-spaced
// up to every row), so each pixel of the slider flags a steady share more rows, whatever the
// score distribution. The exact number flagged is shown live while sliding.

/** Index of the step whose count is nearest to `nFlagged` (on a log scale). */
export function stepIndex(steps, nFlagged) {
  if (!steps.length) return 0;
  const target = Math.log1p(Math.max(0, nFlagged));
  let best = 0;
  let bestGap = Infinity;
  for (let i = 0; i < steps.length; i += 1) {
    const gap = Math.abs(Math.log1p(steps[i][0]) - target);
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return best;
}

/** Index of the step with exactly this threshold, or -1. */
export function stepOfThreshold(steps, threshold) {
  return steps.findIndex((step) => step[1] === threshold);
}

/** How far PageUp/PageDown move: a tenth of the slider. */
export function pageSize(steps) {
  return Math.max(1, Math.round(steps.length / 10));
}

/** The step index after a key press, or null when the key does not move the slider. */
export function stepAfterKey(steps, index, key) {
  const last = steps.length - 1;
  const moves = {
    ArrowRight: index + 1, ArrowUp: index + 1, ArrowLeft: index - 1, ArrowDown: index - 1,
    PageUp: index + pageSize(steps), PageDown: index - pageSize(steps), Home: 0, End: last,
  };
  if (!(key in moves)) return null;
  return Math.min(last, Math.max(0, moves[key]));
}
