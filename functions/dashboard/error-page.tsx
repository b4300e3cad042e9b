import { Layout } from "./layout";

export interface ErrorPageProps {
  nonce: string;
  status: number;
  message: string;
}

const HEADINGS: Record<number, string> = {
  400: "Bad request",
  401: "Not signed in",
  403: "Not allowed",
  404: "Not found",
  405: "Method not allowed",
  413: "Too large",
  503: "Store unavailable",
};

export function ErrorPage({ nonce, status, message }: ErrorPageProps) {
  return (
    <Layout title={`${status} · edge-cache dashboard`} nonce={nonce}>
      <main>
        <section class="panel signin" data-status={String(status)}>
          <h1>{HEADINGS[status] ?? "Something went wrong"}</h1>
          <p class="error" role="alert">
            {message}
          </p>
          <p>
            <a href="/dashboard">Back to the dashboard</a>
          </p>
        </section>
      </main>
    </Layout>
  );
}
