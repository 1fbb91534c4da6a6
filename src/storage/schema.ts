import type { Generated, Kysely, Transaction } from 'kysely';

/**
 * The database as Kysely sees it. Times are epoch milliseconds (bigint columns, read back as numbers);
 * booleans are 0/1 integers so both dialects store them alike.
 */
export interface Database {
  app_settings: { key: string; value: string };
  accounts: { id: string; name: string; created_at: number };
  users: {
    id: string;
    account_id: string;
    role: 'admin' | 'user';
    email: string;
    password_hash: string;
    first_name: string;
    last_name: string;
    phone: string | null;
    address_line1: string | null;
    address_line2: string | null;
    address_city: string | null;
    address_region: string | null;
    address_postal_code: string | null;
    address_country: string | null;
    time_zone: Generated<string>;
    created_at: number;
    /** Members' permissions (products.md §0), 0/1: a User may create guest passes / patrol. */
    can_guests: Generated<number>;
    can_enforce: Generated<number>;
  };
  vehicles: {
    id: string;
    user_id: string;
    plate: string;
    region: string | null;
    make: string | null;
    model: string | null;
    color: string | null;
    created_at: number;
  };
  sessions: {
    id_hash: string;
    user_id: string | null;
    csrf_token: string;
    created_at: number;
    expires_at: number;
  };
  login_attempts: { id: string; throttle_key: string; attempted_at: number };
  clients: {
    id: string;
    secret_hash: string | null;
    name: string;
    environment: 'development' | 'certification' | 'production';
    redirect_uris: string;
    website: string | null;
    description: string | null;
    contact_name: string | null;
    contact_email: string | null;
    is_public: number;
    is_internal: number;
    created_at: number;
    secret_rotated_at: number | null;
    disabled_at: number | null;
  };
  consents: {
    user_id: string;
    client_id: string;
    scopes: string;
    granted_at: number;
    revoked_at: number | null;
  };
  authorization_requests: {
    id_hash: string;
    session_hash: string;
    client_id: string;
    redirect_uri: string;
    scopes: string;
    state: string | null;
    code_challenge: string | null;
    expires_at: number;
  };
  grants: {
    id: string;
    user_id: string;
    client_id: string;
    scopes: string;
    created_at: number;
    revoked_at: number | null;
  };
  authorization_codes: {
    code_hash: string;
    grant_id: string;
    client_id: string;
    user_id: string;
    redirect_uri: string;
    scopes: string;
    code_challenge: string | null;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  };
  access_tokens: {
    token_hash: string;
    grant_id: string;
    client_id: string;
    user_id: string;
    scopes: string;
    created_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
  refresh_tokens: {
    token_hash: string;
    grant_id: string;
    client_id: string;
    user_id: string;
    scopes: string;
    created_at: number;
    expires_at: number;
    rotated_at: number | null;
    successor_sealed: string | null;
    revoked_at: number | null;
  };
  user_settings: {
    user_id: string;
    door_open_alert_enabled: Generated<number>;
    door_open_alert_tone: Generated<string>;
    pin_code_sealed: string | null;
  };
  devices: {
    id: string;
    account_id: string;
    blackbox_code: string;
    is_active: Generated<number>;
    software_version: Generated<string>;
    bluetooth_onboard: Generated<number>;
    bluetooth_mac_address: Generated<string>;
    time_before_door_open_alert: Generated<number>;
    last_contact: number | null;
    is_simulated: Generated<number>;
    is_online: Generated<number>;
    created_at: number;
  };
  doors: {
    id: string;
    device_id: string;
    entity_number: number;
    name: string;
    state: Generated<'OPEN' | 'CLOSED'>;
    is_active: Generated<number>;
    is_api_enabled: Generated<number>;
    has_sensor: Generated<number>;
    can_open: Generated<number>;
    can_close: Generated<number>;
    auto_close_enabled: Generated<number>;
    auto_close_delay: Generated<number>;
    last_toggled: number | null;
    cooldown_until: number | null;
    moving_to: 'OPEN' | 'CLOSED' | null;
    arrives_at: number | null;
    moving_event_id: string | null;
    moving_channel: string | null;
    moving_user_id: string | null;
    created_at: number;
  };
  access_grants: {
    id: string;
    door_id: string;
    holder_kind: 'person' | 'plate' | 'guest';
    user_id: string | null;
    /** As typed; `plate_match` is its match form (src/lib/plates.ts). */
    plate: string | null;
    plate_match: string | null;
    holder_label: string | null;
    starts_at: number;
    /** Exclusive; null: open-ended. */
    ends_at: number | null;
    source: string;
    source_id: string | null;
    granted_by: string | null;
    created_at: number;
  };
  door_names: { door_id: string; user_id: string; name: string };
  access_events: {
    id: string;
    account_id: string;
    device_id: string;
    door_id: string;
    user_id: string | null;
    client_id: string | null;
    /** Who acted: a person (user_id), a guest or a plate (actor_label), or the door's sensor. */
    actor_kind: 'person' | 'guest' | 'plate' | 'sensor' | null;
    actor_label: string | null;
    channel: string;
    door_state: 'OPEN' | 'CLOSED';
    was_success: number;
    outcome: string;
    occurred_at: number;
  };
  invitations: {
    id: string;
    account_id: string;
    email: string;
    door_ids: string;
    token_hash: string;
    invited_by: string;
    created_at: number;
    accepted_at: number | null;
    revoked_at: number | null;
  };
  dev_mailbox: { id: string; to_address: string; subject: string; body_text: string; created_at: number };
  webhook_endpoints: {
    id: string;
    client_id: string;
    url: string;
    event_families: string;
    api_key_sealed: string;
    signing_secret_sealed: string;
    created_at: number;
    disabled_at: number | null;
    disabled_reason: string | null;
    failing_since: number | null;
    last_success_at: number | null;
  };
  webhook_deliveries: {
    id: string;
    endpoint_id: string;
    user_id: string | null;
    event_type: string;
    payload: string;
    event_at: number;
    seq: number;
    status: 'pending' | 'delivered' | 'failed' | 'cancelled';
    attempts: Generated<number>;
    next_attempt_at: number;
    locked_until: number | null;
    last_status: number | null;
    last_error: string | null;
    delivered_at: number | null;
    created_at: number;
  };
  webhook_attempts: {
    id: string;
    delivery_id: string;
    attempted_at: number;
    status_code: number | null;
    latency_ms: number;
    error: string | null;
  };
  idempotency_keys: {
    caller: string;
    key: string;
    fingerprint: string;
    status_code: number | null;
    headers: string | null;
    body: string | null;
    created_at: number;
    expires_at: number;
  };
  properties: {
    id: string;
    account_id: string;
    name: string;
    /** JSON: {line1, line2, city, region, postal_code, country}. */
    address: string;
    latitude: number;
    longitude: number;
    time_zone: string;
    created_at: number;
    updated_at: number;
  };
  property_doors: { property_id: string; door_id: string };
  listings: {
    id: string;
    property_id: string;
    account_id: string;
    title: string;
    description: string;
    kind: 'space' | 'pool';
    capacity: number;
    vehicle_size_max: 'compact' | 'standard' | 'oversize';
    currency: string;
    /** Minor units of `currency`; null: no such rate. */
    hourly_rate: number | null;
    daily_max_rate: number | null;
    monthly_rate: number | null;
    min_minutes: number | null;
    max_minutes: number | null;
    /** JSON of the wire `availability`; null: open at all times. */
    availability: string | null;
    free_cancel_minutes: number;
    status: 'draft' | 'published' | 'unpublished';
    created_at: number;
    updated_at: number;
  };
  bookings: {
    id: string;
    listing_id: string;
    property_id: string;
    /** The owner's account. */
    account_id: string;
    /** The renter. */
    user_id: string;
    /** SHA-256 of the signed quote id it booked; null for a monthly plan. */
    quote_id: string | null;
    plan: 'hourly' | 'monthly';
    status: 'pending' | 'confirmed' | 'cancelled' | 'completed';
    starts_at: number;
    ends_at: number;
    /** The exclusive end of the capacity it holds; null: a renewing monthly plan, for ever. */
    hold_ends_at: number | null;
    /** 1 when the listing is a space (the PostgreSQL exclusion constraint's scope). */
    exclusive: number;
    plate: string;
    vehicle_id: string | null;
    pass_code: string;
    payment_method: string;
    renews_at: number | null;
    created_at: number;
    cancelled_at: number | null;
  };
  orders: {
    id: string;
    booking_id: string;
    user_id: string;
    account_id: string;
    currency: string;
    status: 'pending' | 'paid' | 'refunded';
    created_at: number;
    updated_at: number;
  };
  order_lines: {
    id: string;
    order_id: string;
    kind: 'parking' | 'service_fee';
    label: string;
    amount: number;
    period_starts_at: number;
    period_ends_at: number;
    created_at: number;
  };
  payments: {
    id: string;
    order_id: string;
    kind: 'charge' | 'refund';
    amount: number;
    processor: string;
    processor_ref: string;
    created_at: number;
  };
  guest_passes: {
    id: string;
    account_id: string;
    host_user_id: string;
    guest_first_name: string;
    guest_last_name: string;
    guest_email: string | null;
    guest_phone: string | null;
    /** As typed; `plate_match` is its match form (src/lib/plates.ts); both null without a plate. */
    plate: string | null;
    plate_match: string | null;
    starts_at: number;
    /** Exclusive. */
    ends_at: number;
    /** The IANA zone the pass's times were read in and are shown in. */
    time_zone: string;
    /** The host's booking transferred to the guest; null: none. */
    booking_id: string | null;
    /** SHA-256 (hex) of the link's 256-bit secret; the secret itself is never stored. */
    link_hash: string;
    /** 8 characters, human-readable, unique. */
    code: string;
    created_at: number;
    updated_at: number;
    revoked_at: number | null;
    revoked_by: string | null;
    /** When the pass's end (revocation or window close) was told to webhooks; null: not yet. */
    ended_at: number | null;
  };
  guest_pass_doors: { pass_id: string; door_id: string };
  /** A window of a booking lent to somebody (009-booking-transfers.ts); the Marketplace's. */
  booking_transfers: {
    id: string;
    booking_id: string;
    grant_source: string;
    grant_source_id: string;
    starts_at: number;
    ends_at: number;
    returned_at: number | null;
    created_at: number;
  };
  guest_policies: {
    account_id: string;
    /** Null: no limit. */
    max_active_passes_per_host: number | null;
    max_pass_hours: number | null;
    max_days_per_plate_30d: number | null;
    updated_at: number;
    updated_by: string | null;
  };
}

export type Db = Kysely<Database>;
/** Repositories take either, so a change and what it implies commit together. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';
