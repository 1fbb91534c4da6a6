import { html, type SafeHtml } from './html.ts';

/** The ParqEx page frame: mobile-first, no inline script or style (the CSP allows neither). */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ParqEx</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/parqex.css">
</head>
<body>
<header class="brand"><span class="logo" aria-hidden="true">P</span> ParqEx</header>
<main>
${body}
</main>
<footer>ParqEx · parking and access control</footer>
</body>
</html>`.value;
}
