import { Layout } from "./layout";

export interface SignInPageProps {
  nonce: string;
  /** Why the last attempt or session was refused; never echoes the token. */
  error?: string;
}

/** A browser navigation cannot send `Authorization`, so the token is posted once and kept in a cookie. */
export function SignInPage({ nonce, error }: SignInPageProps) {
  return (
    <Layout title="Sign in · edge-cache dashboard" nonce={nonce}>
      <main>
        <section class="panel signin">
          <h1>edge-cache dashboard</h1>
          <p>Sign in with a tenant token that has the manage scope, or with the admin token.</p>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          <form method="post" action="/dashboard/session">
            <label for="token">Token</label>
            <input id="token" name="token" type="password" required maxlength={1024} autocomplete="off" spellcheck={false} autofocus />
            <button type="submit">Sign in</button>
          </form>
        </section>
      </main>
    </Layout>
  );
}
