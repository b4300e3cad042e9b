import { buildApp } from "./app";
import { runScheduled } from "./scheduled";
import { consumeWarmQueue } from "./warm-queue";

const app = buildApp();

export default {
  fetch: app.fetch,
  scheduled: runScheduled,
  queue: consumeWarmQueue,
} satisfies ExportedHandler<Env>;
