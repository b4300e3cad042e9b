// The Node consumer: `node run-in-node.mjs '<config JSON>'` prints exerciseClient's outcomes.
import { exerciseClient } from "./exercise-client.mjs";

const config = JSON.parse(process.argv[2] ?? "{}");
process.stdout.write(JSON.stringify(await exerciseClient(config)));
