import { html, type SafeHtml } from './html.ts';

/** The pages of a signed-in person's account, in the order of the navigation. */
export type NavItem =
  | 'doors'
  | 'history'
  | 'settings'
  | 'applications'
  | 'admin'
  | 'parking'
  | 'bookings'
  | 'listings'
  | 'earnings';

const NAV: readonly { item: NavItem; href: string; label: string; adminOnly?: boolean }[] = [
  { item: 'doors', href: '/doors', label: 'Doors' },
  { item: 'history', href: '/history', label: 'History' },
  { item: 'settings', href: '/settings', label: 'Settings' },
  { item: 'applications', href: '/account', label: 'Applications' },
  { item: 'admin', href: '/admin', label: 'Admin', adminOnly: true },
];

/** The Marketplace's pages (products.md §1), a second row: renting for everyone, listing for Admins. */
const PARKING_NAV: readonly {
  item: NavItem;
  href: string;
  label: string;
  /** A shorter label where the full one does not fit (phones); the link's name stays `label`. */
  short?: string;
  adminOnly?: boolean;
}[] = [
  { item: 'parking', href: '/parking', label: 'Find parking' },
  { item: 'bookings', href: '/parking/bookings', label: 'My bookings' },
  {
    item: 'listings',
    href: '/parking/properties',
    label: 'Properties & listings',
    short: 'Listings',
    adminOnly: true,
  },
  { item: 'earnings', href: '/parking/earnings', label: 'Earnings', adminOnly: true },
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

function links(
  list: readonly { item: NavItem; href: string; label: string; short?: string; adminOnly?: boolean }[],
  nav: NonNullable<LayoutOptions['nav']>,
): SafeHtml[] {
  return list
    .filter((n) => !n.adminOnly || nav.role === 'admin')
    .map((n) => {
      const current = n.item === nav.current ? html` aria-current="page"` : '';
      if (!n.short) return html`<li><a href="${n.href}"${current}>${n.label}</a></li>`;
      // The short label on phones, the whole one on wider screens; the link's name is the whole one.
      return html`<li><a href="${n.href}" aria-label="${n.label}"${current}><span class="narrow-only">${n.short}</span><span class="wide-only">${n.label}</span></a></li>`;
    });
}

function navigation(nav: NonNullable<LayoutOptions['nav']>): SafeHtml {
  return html`<nav class="site" aria-label="Your account"><ul>${links(NAV, nav)}</ul></nav>
<nav class="site parking" aria-label="Parking"><ul>${links(PARKING_NAV, nav)}</ul></nav>`;
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
