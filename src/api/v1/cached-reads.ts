import { type DeviceFacts, deviceFacts } from '../../access/device-facts.ts';
import { findUserById, listVehicles } from '../../accounts/users.ts';
import type { CachedProfile } from '../../app-caches.ts';
import type { AppContext } from '../../app-context.ts';

/** The user with their vehicles, through the hot caches (see `HotCaches`: never stale). */
export function findProfile(ctx: AppContext, userId: string): Promise<CachedProfile | undefined> {
  return ctx.caches.readThrough(ctx.caches.profiles, userId, async () => {
    const user = await findUserById(ctx.db, userId);
    return user && { user, vehicles: await listVehicles(ctx.db, userId) };
  });
}

/** Door counts and owners of these devices, through the hot caches. */
export function cachedDeviceFacts(ctx: AppContext, deviceIds: string[]): Promise<Map<string, DeviceFacts>> {
  const key = [...deviceIds].sort().join(',');
  return ctx.caches.readThrough(ctx.caches.deviceFacts, key, () => deviceFacts(ctx.db, deviceIds));
}
