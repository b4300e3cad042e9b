import { RawNumber } from "./body.ts";
import { GatewayHttpError } from "./http-error.ts";

/** A command as Redis receives it: the name as sent, then every argument as a string. */
export type Command = readonly string[];

/**
 * One command from a request body. Numbers and booleans become their JSON text (`42`, `true`),
 * which is also what the SDK would send for them as strings. `null` is refused: the SDK only
 * produces it from an `undefined` argument, almost always a caller bug, and sending "null" or ""
 * instead would silently store the wrong thing. Objects and arrays are refused too; the SDK sends
 * them as JSON text.
 */
export function toCommand(value: unknown, where = "command"): Command {
  if (!Array.isArray(value) || value.length === 0) {
    throw new GatewayHttpError(400, `ERR ${where} must be a non-empty JSON array`);
  }
  const [name, ...args] = value as unknown[];
  if (typeof name !== "string" || name === "") {
    throw new GatewayHttpError(400, `ERR ${where}: the command name must be a non-empty string`);
  }
  return [name, ...args.map((arg, index) => toArgument(arg, `${where}, argument ${index + 1}`))];
}

/** The commands of a pipeline or transaction body. */
export function toCommandList(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new GatewayHttpError(400, "ERR body must be a non-empty JSON array of commands");
  }
  return value.map((command, index) => toCommand(command, `command ${index + 1}`));
}

function toArgument(arg: unknown, where: string): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof RawNumber) return arg.text;
  if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
  if (arg === null) throw new GatewayHttpError(400, `ERR ${where} is null (undefined in the caller?)`);
  throw new GatewayHttpError(400, `ERR ${where} must be a string, number or boolean; send objects as JSON text`);
}

/** Lower-case command name, the form every allow/deny list and counter uses. */
export function commandName(command: Command): string {
  return (command[0] as string).toLowerCase();
}
