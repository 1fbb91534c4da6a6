import type { GuestPass } from '../../../guests/pass-records.ts';
import { formatLocal } from '../../../lib/time.ts';
import { TIMESTAMP } from '../wire-examples.ts';

/** RFC 3339 UTC with `Z`, whole seconds (products.md §0). */
export function utc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The guest link a host hands out: the secret is in the path, only its hash is kept. */
export function guestLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/g/${token}`;
}

/** A pass on the wire (products.md §2); `link` only when it was just created (the secret is not kept). */
export function toWirePass(pass: GuestPass, link: string | null = null) {
  return {
    id: pass.id,
    status: pass.status,
    host_user_id: pass.host.userId,
    guest: {
      first_name: pass.guest.firstName,
      last_name: pass.guest.lastName,
      email: pass.guest.email,
      phone: pass.guest.phone,
    },
    plate: pass.plate,
    door_ids: pass.doorIds,
    booking_id: pass.bookingId,
    starts_at: utc(pass.startsAt),
    ends_at: utc(pass.endsAt),
    starts_at_local: formatLocal(pass.startsAt, pass.timeZone),
    ends_at_local: formatLocal(pass.endsAt, pass.timeZone),
    time_zone: pass.timeZone,
    code: pass.code,
    link,
    revoked_at: pass.revokedAt === null ? null : utc(pass.revokedAt),
    created_at: utc(pass.createdAt),
  };
}

const PASS_ID = '3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e';
const HOST_ID = '0b1e6c4a-5f3d-4e2a-9c8b-7d6e5f4a3b2c';
const DOOR_ID = 'e1f2a3b4c5d64e7f8a9b0c1d2e3f4a5b';

export const PASS_EXAMPLE = {
  id: PASS_ID,
  status: 'scheduled',
  host_user_id: HOST_ID,
  guest: { first_name: 'Maya', last_name: 'Lindqvist', email: 'maya@example.com', phone: null },
  plate: 'KJT 4471',
  door_ids: [DOOR_ID],
  booking_id: null,
  starts_at: '2026-03-07T23:00:00Z',
  ends_at: '2026-03-08T03:00:00Z',
  starts_at_local: '2026-03-07 18:00:00',
  ends_at_local: '2026-03-07 22:00:00',
  time_zone: 'America/New_York',
  code: 'K7WQ3MZP',
  link: null,
  revoked_at: null,
  created_at: '2026-03-01T15:04:05Z',
};

export const CREATE_PASS_REQUEST = {
  guest: { first_name: 'Maya', last_name: 'Lindqvist', email: 'maya@example.com' },
  plate: 'KJT 4471',
  starts: '2026-03-07T18:00',
  ends: '2026-03-07T22:00',
  door_ids: [DOOR_ID],
};

const ok = (data: unknown) => ({ success: true, timestamp: TIMESTAMP, data });

export const GUEST_EXAMPLES = {
  created: ok({
    ...PASS_EXAMPLE,
    link: 'https://parqex.example/g/mW3bq0Yc8Q1nK5r7T2vXe9LhA4sD6fGjZ0pUoIyRtEw',
  }),
  pass: ok(PASS_EXAMPLE),
  revoked: ok({ ...PASS_EXAMPLE, status: 'revoked', revoked_at: '2026-03-02T09:30:00Z' }),
  page: ok({ items: [PASS_EXAMPLE], next_cursor: null }),
  policy: ok({ max_active_passes_per_host: 5, max_pass_hours: 72, max_days_per_plate_30d: 10 }),
  members: ok({
    items: [
      {
        user_id: 'c2f1a0e9-8d7c-4b6a-a5f4-e3d2c1b0a998',
        first_name: 'Test',
        last_name: 'Owner',
        email: 'owner@example.com',
        role: 'admin',
        permissions: { guests: true, enforce: true },
      },
      {
        user_id: HOST_ID,
        first_name: 'Jane',
        last_name: 'Roe',
        email: 'jane@example.com',
        role: 'user',
        permissions: { guests: true, enforce: false },
      },
    ],
  }),
  member: ok({
    user_id: HOST_ID,
    first_name: 'Jane',
    last_name: 'Roe',
    email: 'jane@example.com',
    role: 'user',
    permissions: { guests: true, enforce: false },
  }),
};
