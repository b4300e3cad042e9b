/** Runs the origin server (origin-process.ts); ends when the harness disconnects or goes away. */
import { startOriginServer } from "../../../test/helpers/node/origin-server.ts";

const origin = await startOriginServer();
process.send?.({ url: origin.url, host: origin.host });
process.on("disconnect", () => {
  void origin.stop().finally(() => process.exit(0));
});
