import { html, type SafeHtml } from './html.ts';

/** The pages of a signed-in person's account, in the order of the navigation. */
export type NavItem = 'doors' | 'history' | 'settings' | 'applications' | 'admin';

const NAV: readonly { item: NavItem; href: string; label: string; adminOnly?: boolean }[] = [
  { item: 'doors', href: '/doors', label: 'Doors' },
  { item: 'history', href: '/history', label: 'History' },
  { item: 'settings', href: '/settings', label: 'Settings' },
  { item: 'applications', href: '/account', label: 'Applications' },
  { item: 'admin', href: '/admin', label: 'Admin', adminOnly: true },
];

export interface LayoutOptions {
  /** A signed-in person: shows the account navigation (Admin only for Admins). */
  nav?: { role: 'admin' | 'user'; current?: NavItem };
  /** A wider page (tables, admin pages) on large screens; phones are unchanged. */
  wide?: boolean;
  /**
   * Load `to` again after `afterS` seconds (a door in motion) when scripting is off; a page with a
   * script of its own updates itself instead (the refresh sits in `<noscript>`). `to` has no
   * fragment: a refresh to the page's own URL with one (`/doors#door-…`) would only scroll.
   */
  refresh?: { afterS: number; to: string };
  /** Our own static scripts (`/assets/….js`), loaded deferred; the page's CSP must allow them. */
  scripts?: readonly string[];
}

function navigation(nav: NonNullable<LayoutOptions['nav']>): SafeHtml {
  const items = NAV.filter((n) => !n.adminOnly || nav.role === 'admin');
  return html`<nav class="site" aria-label="Your account"><ul>${items.map(
    (n) =>
      html`<li><a href="${n.href}"${n.item === nav.current ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
  )}</ul></nav>`;
}

/** The ParqEx page frame: mobile-first, no inline script or style (the CSP allows neither). */
export function layout(title: string, body: SafeHtml, options: LayoutOptions = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ParqEx</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/parqex.css">
${options.refresh ? html`<noscript><meta http-equiv="refresh" content="${options.refresh.afterS}; url=${options.refresh.to}"></noscript>` : ''}
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<header class="brand"><span class="logo" aria-hidden="true">P</span> ParqEx</header>
${options.nav ? navigation(options.nav) : ''}
<main${options.wide ? html` class="wide"` : ''}>
${body}
</main>
<footer>ParqEx · parking and access control</footer>
</body>
</html>`.value;
}
