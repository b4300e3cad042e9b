import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: worker code runs inside workerd (Miniflare), dev tooling runs in Node. One global
// setup starts redis-server and the Upstash-compatible gateway for the whole run and provides
// their addresses to both.
export default defineConfig({
  test: {
    globalSetup: ["./test/helpers/node/global-setup.ts"],
    projects: [
      {
        extends: false,
        test: {
          name: "node",
          include: [
            "test/dev/**/*.test.ts",
            "test/tools/**/*.test.ts",
            "test/openapi/**/*.test.ts",
            "test/dashboard/**/*.test.ts",
            "test/chaos/**/*.test.ts",
            "test/bench/**/*.test.ts",
            "test/cancellation/**/*.test.ts",
            "test/l2-migration/**/*.test.ts",
            "test/client/**/*.e2e.test.ts",
            "test/helpers/node/**/*.test.ts",
          ],
          // Conformance from inside workerd runs in the worker project.
          exclude: ["test/dev/**/*.workerd.test.ts"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: false,
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                UPSTASH_REDIS_REST_URL: inject<string>("gatewayUrl"),
                UPSTASH_REDIS_REST_TOKEN: inject<string>("gatewayToken"),
                GATEWAY_CONTROL_URL: inject<string>("gatewayControlUrl"),
                GATEWAY_CONTROL_TOKEN: inject<string>("gatewayControlToken"),
                ORIGIN_URL: inject<string>("originUrl"),
                NEXT_GATEWAY_URL: inject<string>("nextGatewayUrl"),
                NEXT_GATEWAY_TOKEN: inject<string>("nextGatewayToken"),
                NEXT_GATEWAY_CONTROL_URL: inject<string>("nextGatewayControlUrl"),
                NEXT_GATEWAY_CONTROL_TOKEN: inject<string>("nextGatewayControlToken"),
                ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123456789",
                // A line per request would bury the test report; tests that read logs raise it.
                LOG_LEVEL: "warn",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: [
            "test/functions/**/*.test.ts",
            "test/shared/**/*.test.ts",
            "test/security/**/*.test.ts",
            "test/client/**/*.test.ts",
            "test/dev/**/*.workerd.test.ts",
          ],
          // The client as installed from its tarball runs in Node and Chromium, in the node project.
          exclude: ["test/client/**/*.e2e.test.ts"],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
