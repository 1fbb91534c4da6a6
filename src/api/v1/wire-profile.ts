import type { User, Vehicle } from '../../accounts/users.ts';

/** The documented profile fields (spec §5.1), also the `profile` section of sync. */
export function toWireProfile(user: User, vehicles: Vehicle[]) {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    phone: user.phone,
    address: {
      line1: user.address.line1,
      line2: user.address.line2,
      city: user.address.city,
      region: user.address.region,
      postal_code: user.address.postalCode,
      country: user.address.country,
    },
    vehicles: vehicles.map((v) => ({
      id: v.id,
      plate: v.plate,
      region: v.region,
      make: v.make,
      model: v.model,
      color: v.color,
    })),
  };
}
