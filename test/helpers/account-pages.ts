import type { TestApp } from './test-app.ts';

/** A door's id by the owner's name (the testing accounts' door names are unique). */
export async function doorIdByName(app: TestApp, ownerName: string): Promise<string> {
  const row = await app.ctx.db
    .selectFrom('doors')
    .select('id')
    .where('name', '=', ownerName)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The markup of one door's card on the doors page, or undefined when the page does not show it. */
export function doorCard(page: string, doorId: string): string | undefined {
  const start = page.indexOf(`id="door-${doorId}"`);
  if (start < 0) return undefined;
  return page.slice(start, page.indexOf('</li>', start));
}

/** The visible text of a page's main part (tags dropped, entities of our escaping decoded). */
export function mainText(page: string): string {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(page)?.[1] ?? page;
  return main
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The access history rows of one door, oldest first. */
export function eventsOf(app: TestApp, doorId: string) {
  return app.ctx.db
    .selectFrom('access_events')
    .selectAll()
    .where('door_id', '=', doorId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}
