/** Tick spacing, in minutes, that gives five to eight labels over a window. */
const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360];

export function tickMinutes(windowMinutes: number): number {
  return TICK_STEPS.find((step) => windowMinutes / step <= 8) ?? 360;
}

/** Round times (multiples of the step) inside [from, to), epoch ms. */
export function timeTicks(from: number, to: number, stepMinutes: number): number[] {
  const step = stepMinutes * 60_000;
  const ticks: number[] = [];
  for (let at = Math.ceil(from / step) * step; at < to; at += step) ticks.push(at);
  return ticks;
}

/** Points as an SVG path, a new subpath wherever a point is missing (a bucket without reads). */
export function brokenLinePath(points: readonly ({ x: number; y: number } | undefined)[]): string {
  let path = "";
  let drawing = false;
  for (const point of points) {
    if (!point) {
      drawing = false;
      continue;
    }
    path += `${drawing ? "L" : "M"}${point.x.toFixed(1)} ${point.y.toFixed(1)}`;
    drawing = true;
  }
  return path;
}
