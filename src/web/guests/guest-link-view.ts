import type { GuestPass } from '../../guests/pass-records.ts';
import { placesOfDoors } from '../../marketplace/door-properties.ts';
import type { Db } from '../../storage/schema.ts';
import { doorLiveState } from '../pages/door-live-state.ts';
import type { GuestLinkView } from './guest-link-page.ts';

/** The address as one line: `12 Elm St, Apt 4, Springfield, IL 62704`. */
function oneLine(parts: (string | null | undefined)[]): string | null {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return kept.length === 0 ? null : kept.join(', ');
}

/**
 * What a guest sees of their pass: the host's name, the place (the property of the pass's first
 * door, else the account's address as its Admin gave it), and each door with its live state in the
 * pass's zone. Reads only the pass's own doors.
 */
export async function guestLinkView(
  db: Db,
  pass: GuestPass,
  path: string,
  now: number,
): Promise<GuestLinkView> {
  const rows =
    pass.doorIds.length === 0
      ? []
      : await db
          .selectFrom('doors')
          .innerJoin('devices', 'devices.id', 'doors.device_id')
          .selectAll('doors')
          .select([
            'devices.id as d_id',
            'devices.account_id as d_account_id',
            'devices.blackbox_code as d_blackbox_code',
            'devices.is_online as d_is_online',
          ])
          .where('doors.id', 'in', pass.doorIds)
          .orderBy('doors.name')
          .execute();
  const doors = rows.map((row) => {
    const { d_id, d_account_id, d_blackbox_code, d_is_online, ...door } = row;
    const device = {
      id: d_id,
      account_id: d_account_id,
      blackbox_code: d_blackbox_code,
      is_online: d_is_online,
    };
    const live = doorLiveState(
      // doorLiveState reads the door and the device's is_online only.
      { door, device: device as never, name: door.name, relationship: 'Has Access' },
      now,
      pass.timeZone,
    );
    return { id: door.id, name: door.name, live };
  });
  let address: string | null = null;
  let placeName: string | null = null;
  // The property of the pass's first door that has one (the zone its times were read in).
  const places = await placesOfDoors(db, pass.doorIds);
  const place = pass.doorIds.map((id) => places.get(id)).find((p) => p !== undefined);
  if (place) {
    placeName = place.name;
    const a = place.address;
    address = oneLine([
      a.line1,
      a.line2,
      a.city,
      oneLine([a.region, a.postal_code])?.replace(',', ''),
      a.country,
    ]);
  }
  if (address === null) {
    // The host's address, else the account's (its Admin's).
    const admin = await db
      .selectFrom('users')
      .select([
        'address_line1',
        'address_line2',
        'address_city',
        'address_region',
        'address_postal_code',
        'address_country',
      ])
      .where('account_id', '=', pass.accountId)
      .where((eb) => eb.or([eb('id', '=', pass.host.userId), eb('role', '=', 'admin')]))
      .orderBy((eb) => eb.case().when('id', '=', pass.host.userId).then(0).else(1).end())
      .executeTakeFirst();
    if (admin)
      address = oneLine([
        admin.address_line1,
        admin.address_line2,
        admin.address_city,
        oneLine([admin.address_region, admin.address_postal_code])?.replace(',', ''),
        admin.address_country,
      ]);
  }
  return {
    path,
    code: pass.code,
    status: pass.status,
    guestName: `${pass.guest.firstName} ${pass.guest.lastName}`,
    hostName: `${pass.host.firstName} ${pass.host.lastName}`.trim() || 'Your host',
    address,
    placeName,
    startsAt: pass.startsAt,
    endsAt: pass.endsAt,
    timeZone: pass.timeZone,
    plate: pass.plate,
    doors,
  };
}
