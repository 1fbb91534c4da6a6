import { SYNC, TIMESTAMP } from '../wire-examples.ts';

/**
 * Examples of the renter's endpoints (products.md §1), one story: John finds the Garage's pool near
 * Fifth Avenue for Monday morning, books it, and later cancels before the cutoff (full refund).
 */

const LISTING_ID = '3b8f1c2d4e5a4b6c8d9e0f1a2b3c4d5e';
const PROPERTY_ID = '5c7d9e1f2a3b4c5d6e7f8091a2b3c4d5';
const QUOTE_ID =
  'q1.WyI4ZTJkNGM2YjhhMGY0ZTFkOWMzYjVhN2Y5ZTFkM2M1YiIsIjAxYmE5ZmJmLTMwNmEtZGZlNS02NWZjLTgxNmYxMzVhNzlkMSIsImgiLDE3NjUwMTE2MDAwMDAsMTc2NTAyMjQwMDAwMCwiVVNEIixbMTgwMCwxODBdLDE3NjQ5Mzg2MDAwMDBd.kqW4m0L6p8dXcYb1nQ5sT2vR9fJ3hA7eZ0uI4oP6yGk';
const BOOKING_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const ORDER_ID = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const VEHICLE_ID = '0f7c2b9e4d1a4e6b8c3a5d7f9e1b2c4d';

const usd = (amount: number) => ({ amount, currency: 'USD' });

export const LISTING_FIELDS = {
  id: LISTING_ID,
  property_id: PROPERTY_ID,
  title: 'Covered garage, level 2',
  description: 'Height limit 2.1 m. Enter on 34th Street.',
  kind: 'pool',
  capacity: 10,
  vehicle_size_max: 'standard',
  rates: { hourly: usd(400), daily_max: usd(2800), monthly: usd(32000) },
  min_minutes: 60,
  max_minutes: null,
  availability: {
    weekly: [
      { day: 'mon', opens: '06:00', closes: '24:00' },
      { day: 'tue', opens: '00:00', closes: '24:00' },
    ],
    closed_dates: ['2026-12-25'],
  },
  cancellation: { free_until_minutes_before: 60 },
  status: 'published',
};

export const QUOTE = {
  id: QUOTE_ID,
  total: usd(880),
  lines: [
    { label: 'Parking', amount: usd(800) },
    { label: 'Service fee', amount: usd(80) },
  ],
  expires_at: '2026-03-06T15:10:00Z',
};

export const SEARCH = {
  success: true,
  timestamp: TIMESTAMP,
  data: {
    items: [
      {
        ...LISTING_FIELDS,
        distance_m: 420,
        property: {
          id: PROPERTY_ID,
          name: 'Midtown Garage',
          address: {
            line1: '20 West 34th Street',
            line2: null,
            city: 'New York',
            region: 'NY',
            postal_code: '10001',
            country: 'US',
          },
          latitude: 40.7486,
          longitude: -73.9864,
          time_zone: 'America/New_York',
        },
        quote: QUOTE,
      },
    ],
  },
};

export const SEARCH_QUERY =
  '/oauth/v1/endpoints/listings/search?latitude=40.7484&longitude=-73.9857&radius_m=1600&starts=2026-03-09T09:00&ends=2026-03-09T11:00';

export const BOOK_REQUEST = {
  quote_id: QUOTE_ID,
  final_price: usd(880),
  vehicle_id: VEHICLE_ID,
  payment_method: 'pm_card_visa',
};

export const BOOK_MONTHLY_REQUEST = {
  listing_id: LISTING_ID,
  plan: 'monthly',
  starts: '2026-04-01T00:00',
  final_price: usd(35200),
  plate: 'ABC1234',
  payment_method: 'pm_card_visa',
};

export const BOOKING = {
  id: BOOKING_ID,
  status: 'confirmed',
  plan: 'hourly',
  listing_id: LISTING_ID,
  property_id: PROPERTY_ID,
  starts_at: '2026-03-09T13:00:00Z',
  ends_at: '2026-03-09T15:00:00Z',
  starts_at_local: '2026-03-09 09:00:00',
  ends_at_local: '2026-03-09 11:00:00',
  time_zone: 'America/New_York',
  plate: 'ABC1234',
  vehicle_id: VEHICLE_ID,
  pass: { code: 'K7QX3MPA', url: 'https://parqex.example.com/pass/K7QX3MPA' },
  order: { id: ORDER_ID, total: usd(880), status: 'paid' },
  renews_at: null,
  cancelled_at: null,
  created_at: '2026-03-06T15:02:11Z',
};

export const CANCELLED_BOOKING = {
  ...BOOKING,
  status: 'cancelled',
  order: { ...BOOKING.order, status: 'refunded' },
  cancelled_at: '2026-03-08T20:15:00Z',
};

export const ORDER = {
  id: ORDER_ID,
  booking_id: BOOKING_ID,
  status: 'refunded',
  total: usd(880),
  lines: [
    {
      kind: 'parking',
      label: 'Parking',
      amount: usd(800),
      period_starts_at: '2026-03-09T13:00:00Z',
      period_ends_at: '2026-03-09T15:00:00Z',
    },
    {
      kind: 'service_fee',
      label: 'Service fee',
      amount: usd(80),
      period_starts_at: '2026-03-09T13:00:00Z',
      period_ends_at: '2026-03-09T15:00:00Z',
    },
  ],
  payments: [
    {
      id: '1a2b3c4d5e6f708192a3b4c5d6e7f809',
      kind: 'charge',
      amount: usd(880),
      processor: 'simulated',
      created_at: '2026-03-06T15:02:11Z',
    },
    {
      id: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      kind: 'refund',
      amount: usd(880),
      processor: 'simulated',
      created_at: '2026-03-08T20:15:00Z',
    },
  ],
  created_at: '2026-03-06T15:02:11Z',
};

export const envelopeOf = (data: unknown) => ({ success: true, timestamp: TIMESTAMP, data });

/** `sync`'s answer for a renter with one booking (the documented `devices` example, plus the section). */
export const SYNC_WITH_BOOKING = {
  ...SYNC,
  marketplace: { bookings: [BOOKING], listings: [] },
};
