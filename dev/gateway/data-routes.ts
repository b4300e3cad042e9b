import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { type Command, toCommand, toCommandList } from "./args.ts";
import { bearerToken } from "./auth.ts";
import { parseCommandBody, readBody } from "./body.ts";
import { isReadOnly } from "./command-policy.ts";
import type { GatewayContext } from "./context.ts";
import type { EndpointKind } from "./counters.ts";
import { errorEntry, resultEntry } from "./encode.ts";
import { type CommandOutcome, runPipeline, runTransaction } from "./execute.ts";
import { decideFault } from "./faults.ts";
import { GatewayHttpError, sendJson } from "./http-error.ts";
import type { Scope } from "./scopes.ts";

interface Answer {
  status: number;
  body: string;
}

/** `POST <mount>`, `<mount>/pipeline`, `<mount>/multi-exec`: the Upstash REST API. */
export async function handleDataRequest(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: EndpointKind,
): Promise<void> {
  if (req.method !== "POST") throw new GatewayHttpError(405, "ERR only POST is supported");
  const scope = context.scopes.find(bearerToken(req.headers));
  if (!scope) throw new GatewayHttpError(401, "ERR invalid or expired token");
  scope.counters.recordRequest(endpoint);
  if (!(await survivesFaults(scope, req, res))) return;

  const body = parseCommandBody(await readBody(req, context.options.maxBodyBytes));
  const sent = endpoint === "single" ? [toCommand(body)] : toCommandList(body);
  scope.counters.recordCommands(sent);
  const commands = context.scriptFlags.adapt(sent);

  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  const answer = await context.pool.withConnection((connection) => execute(connection, endpoint, commands, base64));
  if (scope.faults.current.resetAfterApply) {
    (req.socket as Socket).resetAndDestroy();
    return;
  }
  const wrote = commands.some((command) => !isReadOnly(command));
  const syncToken = wrote ? context.syncToken.advance() : context.syncToken.current;
  sendJson(res, answer.status, answer.body, { "upstash-sync-token": syncToken });
}

async function execute(connection: Redis, endpoint: EndpointKind, commands: Command[], base64: boolean): Promise<Answer> {
  if (endpoint === "multi-exec") {
    const outcome = await runTransaction(connection, commands);
    return outcome.aborted ? { status: 400, body: errorEntry(outcome.error) } : arrayAnswer(outcome.outcomes, base64);
  }
  const outcomes = await runPipeline(connection, commands);
  return endpoint === "single" ? singleAnswer(outcomes[0] as CommandOutcome, base64) : arrayAnswer(outcomes, base64);
}

/**
 * Applies the scope's injected faults. Returns false when the fault has answered (or deliberately
 * not answered) the request, true when it should go on to Redis.
 */
async function survivesFaults(scope: Scope, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const { delayMs, action } = decideFault(scope.faults.current);
  const socket = req.socket as Socket;
  if (action.kind === "refuse") {
    socket.resetAndDestroy();
    return false;
  }
  if (action.kind === "hang") {
    scope.faults.hold(socket);
    return false;
  }
  await waitAtLeast(delayMs);
  if (action.kind === "error") {
    sendJson(res, action.status, errorEntry(`ERR injected fault: HTTP ${action.status}`));
    return false;
  }
  if (action.kind === "garbage") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("<html>injected garbage: this is not JSON</html>");
    return false;
  }
  return true;
}

/** Timers may fire up to a millisecond early; injected latency is a floor callers can rely on. */
async function waitAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(Math.ceil(left));
}

function singleAnswer(outcome: CommandOutcome, base64: boolean): Answer {
  return outcome.ok ? { status: 200, body: resultEntry(outcome.reply, { base64 }) } : { status: 400, body: errorEntry(outcome.error) };
}

function arrayAnswer(outcomes: readonly CommandOutcome[], base64: boolean): Answer {
  const entries = outcomes.map((outcome) => (outcome.ok ? resultEntry(outcome.reply, { base64 }) : errorEntry(outcome.error)));
  return { status: 200, body: `[${entries.join(",")}]` };
}
