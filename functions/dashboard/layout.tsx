import type { PropsWithChildren } from "hono/jsx";
import { DASHBOARD_CSS } from "./styles";

export interface LayoutProps {
  title: string;
  nonce: string;
  /** Reloads the page this often; absent: no reload. The page needs no script for it. */
  refreshSeconds?: number;
}

export function Layout({ title, nonce, refreshSeconds, children }: PropsWithChildren<LayoutProps>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        {refreshSeconds ? <meta http-equiv="refresh" content={String(refreshSeconds)} /> : null}
        <title>{title}</title>
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: DASHBOARD_CSS }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
