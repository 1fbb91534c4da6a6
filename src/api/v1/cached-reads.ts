import { type DeviceFacts, deviceFacts } from '../../access/device-facts.ts';
import type { User, Vehicle } from '../../accounts/users.ts';
import { findUserById, listVehicles } from '../../accounts/users.ts';
import type { ApiDeps } from './api-deps.ts';

/** A person with their vehicles, as the profile endpoints read it. */
export interface CachedProfile {
  user: User;
  vehicles: Vehicle[];
}

/** The user with their vehicles, through the hot caches (see `HotCaches`: never stale). */
export function findProfile(ctx: ApiDeps, userId: string): Promise<CachedProfile | undefined> {
  return ctx.caches.readThrough(ctx.caches.profiles, userId, async () => {
    const user = await findUserById(ctx.db, userId);
    return user && { user, vehicles: await listVehicles(ctx.db, userId) };
  });
}

/** Door counts and owners of these devices, through the hot caches. */
export function cachedDeviceFacts(ctx: ApiDeps, deviceIds: string[]): Promise<Map<string, DeviceFacts>> {
  const key = [...deviceIds].sort().join(',');
  return ctx.caches.readThrough(ctx.caches.deviceFacts, key, () => deviceFacts(ctx.db, deviceIds));
}
