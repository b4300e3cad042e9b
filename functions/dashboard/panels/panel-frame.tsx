import type { Child } from "hono/jsx";
import type { Panel } from "../../../shared/dashboard/dashboard-snapshot";

export interface PanelFrameProps<T> {
  title: string;
  /** Used as the section's data-panel, which tests and readers can find it by. */
  id: string;
  panel: Panel<T>;
  /** What the panel needs Redis for, said in memory-only mode. */
  needsRedis: string;
  wide?: boolean;
  render: (value: T) => Child;
}

/** A panel whose data comes from Redis: its content, or why there is none. */
export function PanelFrame<T>({ title, id, panel, needsRedis, wide, render }: PanelFrameProps<T>) {
  return (
    <section class={wide ? "panel wide" : "panel"} data-panel={id} aria-label={title}>
      <h2>{title}</h2>
      {panel.state === "ok" ? render(panel.value) : null}
      {panel.state === "needs_redis" ? <p class="empty">{needsRedis} This deployment runs memory-only.</p> : null}
      {panel.state === "unavailable" ? <p class="empty">Redis could not be read; this panel shows again once it answers.</p> : null}
    </section>
  );
}
