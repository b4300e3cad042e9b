import { toHex } from "../encoding";

/**
 * Tokens are stored and looked up by HMAC-SHA-256 under a secret pepper (TOKEN_PEPPER): a
 * leaked Redis alone cannot confirm a guessed token. Without a pepper it falls back to plain
 * SHA-256, still never storing the token itself.
 */
export class TokenDigester {
  readonly #key: Promise<CryptoKey> | undefined;

  constructor(pepper: string | undefined) {
    this.#key = pepper
      ? crypto.subtle.importKey("raw", new TextEncoder().encode(pepper), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      : undefined;
  }

  async digest(token: string): Promise<string> {
    const data = new TextEncoder().encode(token);
    const bytes = this.#key ? await crypto.subtle.sign("HMAC", await this.#key, data) : await crypto.subtle.digest("SHA-256", data);
    return toHex(new Uint8Array(bytes));
  }
}
