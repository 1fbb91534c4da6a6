import { editDistance } from './lib/edit-distance.ts';

/**
 * Configuration: the environment variables of ../shared/spec/running.md turned into one frozen object.
 * Every default is set here and documented in the README's configuration table.
 */

export type Environment = 'development' | 'production';

export interface Config {
  /** HTTP port; 0 = any free port. `PORT`, default 8080. */
  readonly port: number;
  /** Interface to bind. `HOST`, default 127.0.0.1. */
  readonly host: string;
  /** `PARQEX_ENV`: development seeds the testing accounts and allows loopback http redirects. */
  readonly env: Environment;
  /** `PARQEX_PUBLIC_URL`: public base URL and the OAuth issuer (byte-equal), no trailing slash. */
  readonly publicUrl: string;
  /** True when `PARQEX_PUBLIC_URL` was not set: the issuer follows the real port once listening. */
  readonly publicUrlIsDefault: boolean;
  /** `PARQEX_DATABASE_URL`: `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
  readonly databaseUrl: string;
  /** `PARQEX_SECRET_KEY`: signs cookies, encrypts secrets at rest. Generated and stored in development. */
  readonly secretKey: string | undefined;
  /** `PARQEX_TOGGLE_COOLDOWN_S`: minimum seconds between two toggles of one door, 0 = off. */
  readonly toggleCooldownS: number;
  /** `PARQEX_LOG_LEVEL`: pino level. */
  readonly logLevel: string;
  /** `PARQEX_ACCESS_TOKEN_TTL_S`: access token lifetime, default 3600. */
  readonly accessTokenTtlS: number;
  /** `PARQEX_CODE_TTL_S`: authorization code lifetime, default 600 (RFC 6749 §4.1.2: 10 minutes at most). */
  readonly codeTtlS: number;
  /** `PARQEX_REFRESH_TOKEN_IDLE_TTL_S`: a refresh token unused this long expires, default 90 days. */
  readonly refreshTokenIdleTtlS: number;
  /** `PARQEX_REFRESH_GRACE_S`: a rotated refresh token reused within this window gets the same successor, default 10. */
  readonly refreshGraceS: number;
  /** `PARQEX_CONSENT_TTL_S`: how long an approved consent lets a later authorization skip the page, default 90 days. */
  readonly consentTtlS: number;
  /** `PARQEX_SESSION_TTL_S`: browser session lifetime, default 12 hours. */
  readonly sessionTtlS: number;
  /** `PARQEX_TOKEN_GET`: accept the documented GET form of the token endpoint, default on. */
  readonly tokenGetEnabled: boolean;
  /** `PARQEX_LOGIN_MAX_FAILURES`: failed logins per account within the window before it is locked, default 5. */
  readonly loginMaxFailuresPerAccount: number;
  /** `PARQEX_LOGIN_MAX_FAILURES_PER_IP`: failed logins per client address within the window, default 20. */
  readonly loginMaxFailuresPerIp: number;
  /** `PARQEX_LOGIN_WINDOW_S`: the login throttle's window, default 900 (15 minutes). */
  readonly loginWindowS: number;
  /** `PARQEX_TRUST_PROXY`: trust X-Forwarded-For from this many proxy hops (0 = none), default 0. */
  readonly trustProxyHops: number;
  /** `PARQEX_DB_POOL_SIZE`: PostgreSQL connections per process, default 10. */
  readonly dbPoolSize: number;
  /** `PARQEX_SIMULATOR_TRAVEL_MS`: how long a simulated door takes to move, default 3000 (0 = at once). */
  readonly simulatorTravelMs: number;
  /** `PARQEX_SMTP_URL`: send mail through this SMTP server; unset = the development mailbox. */
  readonly smtpUrl: string | undefined;
  /** `PARQEX_MAIL_FROM`: the sender of ParqEx mail, default `ParqEx <no-reply@<public host>>`. */
  readonly mailFrom: string;
  /** `PARQEX_WEBHOOK_DISPATCHER`: `parqex serve` also sends webhooks, default on (`parqex worker` always does). */
  readonly webhookDispatcherInServe: boolean;
  /** `PARQEX_STAFF_EMAILS`: comma-separated ParqEx staff (lower-case emails) who may open the /staff pages. */
  readonly staffEmails: readonly string[];
  /**
   * `PARQEX_CACHE_TTL_MS`: the longest a process keeps an access token's record and a user's profile
   * in memory, default 1000 (0 = off). Never stale: emptied by any write of this process and, on
   * SQLite, by any commit of another process; on PostgreSQL the caches are off.
   */
  readonly cacheTtlMs: number;
  /**
   * `PARQEX_REDIS_URL`: `redis://…` or `rediss://…`; when set, login throttles and door cooldowns are
   * counted in Redis (falling back to the database while Redis cannot be reached). Unset: the database.
   */
  readonly redisUrl: string | undefined;
  /** `PARQEX_REDIS_PREFIX`: the prefix of every ParqEx key in Redis, default `parqex:` (deployments sharing a Redis). */
  readonly redisPrefix: string;
  /** `PARQEX_METRICS_TOKEN`: `/metrics` requires `Authorization: Bearer <token>`; at least 32 characters in production. */
  readonly metricsToken: string | undefined;
  /** `PARQEX_METRICS_PORT`: serve `/metrics` on this port instead of the main one (unset: on the main port). */
  readonly metricsPort: number | undefined;
  /** `PARQEX_METRICS_HOST`: the interface of `PARQEX_METRICS_PORT`, default 127.0.0.1. */
  readonly metricsHost: string;
  /**
   * `PARQEX_STRIPE_SECRET_KEY`: take payments through Stripe with this secret key (`sk_…` or a
   * restricted `rk_…`); unset = the simulated processor, which charges nothing. A secret: never logged.
   */
  readonly stripeSecretKey: string | undefined;
  /**
   * `PARQEX_SERVICE_FEE_PERCENT`: the renter's service-fee line, a percentage of the parking line
   * (products.md §1), default 10, at most two decimals (`7.5`); 0 = no fee line.
   */
  readonly serviceFeePercent: number;
  /**
   * `PARQEX_BOOKING_GRACE_MINUTES`: how long before and after its window a booking's access grant
   * to the property's gates runs (products.md §1 "The pass"), default 15.
   */
  readonly bookingGraceMinutes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The public URL without a trailing slash, refusing anything that is not a plain http(s) origin + path. */
function publicUrl(raw: string, env: Environment): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PARQEX_PUBLIC_URL must be an absolute URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`PARQEX_PUBLIC_URL must be http(s), got ${JSON.stringify(raw)}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('PARQEX_PUBLIC_URL must not have a query, fragment or credentials');
  }
  if (env === 'production' && url.protocol !== 'https:') {
    throw new ConfigError('PARQEX_PUBLIC_URL must be https:// when PARQEX_ENV=production');
  }
  return raw.replace(/\/+$/, '');
}

/** Every setting ParqEx reads (README, Configuration). Add a new one here and to the README. */
const KNOWN_SETTINGS: readonly string[] = [
  'PORT',
  'HOST',
  'PARQEX_ENV',
  'PARQEX_PUBLIC_URL',
  'PARQEX_DATABASE_URL',
  'PARQEX_SECRET_KEY',
  'PARQEX_TOGGLE_COOLDOWN_S',
  'PARQEX_LOG_LEVEL',
  'PARQEX_ACCESS_TOKEN_TTL_S',
  'PARQEX_CODE_TTL_S',
  'PARQEX_REFRESH_TOKEN_IDLE_TTL_S',
  'PARQEX_REFRESH_GRACE_S',
  'PARQEX_CONSENT_TTL_S',
  'PARQEX_SESSION_TTL_S',
  'PARQEX_TOKEN_GET',
  'PARQEX_LOGIN_MAX_FAILURES',
  'PARQEX_LOGIN_MAX_FAILURES_PER_IP',
  'PARQEX_LOGIN_WINDOW_S',
  'PARQEX_TRUST_PROXY',
  'PARQEX_DB_POOL_SIZE',
  'PARQEX_SIMULATOR_TRAVEL_MS',
  'PARQEX_SMTP_URL',
  'PARQEX_MAIL_FROM',
  'PARQEX_WEBHOOK_DISPATCHER',
  'PARQEX_STAFF_EMAILS',
  'PARQEX_CACHE_TTL_MS',
  'PARQEX_REDIS_URL',
  'PARQEX_REDIS_PREFIX',
  'PARQEX_METRICS_TOKEN',
  'PARQEX_METRICS_PORT',
  'PARQEX_METRICS_HOST',
  'PARQEX_STRIPE_SECRET_KEY',
  'PARQEX_SERVICE_FEE_PERCENT',
  'PARQEX_BOOKING_GRACE_MINUTES',
];

/** Read by the test suite and CI, not by the server: known, never warned about. */
const TEST_SETTINGS_PREFIX = 'PARQEX_TEST_';

/**
 * One line per variable in the environment that looks like a ParqEx setting but is none (a name
 * starting `PARQEX_`, any case), naming the closest real one when there is one near enough (edit
 * distance, neighbour swaps counted once): `PARQEX_TOGGLE_COOLDOWN is not a ParqEx setting — did you
 * mean \`PARQEX_TOGGLE_COOLDOWN_S\`?`. running.md: an unknown setting stops the process at start
 * (`loadConfig` throws the first). `PARQEX_TEST_*` variables belong to the test suite.
 */
export function unknownSettings(env: Env = process.env): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const upper = name.toUpperCase();
    if (
      !upper.startsWith('PARQEX_') ||
      KNOWN_SETTINGS.includes(name) ||
      upper.startsWith(TEST_SETTINGS_PREFIX)
    )
      continue;
    const closest = closestSetting(upper);
    lines.push(
      closest
        ? `${name} is not a ParqEx setting — did you mean \`${closest}\`?`
        : `${name} is not a ParqEx setting (see the README, Configuration)`,
    );
  }
  return lines;
}

/** The known setting nearest to `name`, when it is near enough to be the one meant. */
function closestSetting(name: string): string | undefined {
  const rest = name.slice('PARQEX_'.length);
  let best: { setting: string; distance: number } | undefined;
  for (const setting of KNOWN_SETTINGS) {
    const distance = editDistance(rest, setting.replace(/^PARQEX_/, ''));
    if (!best || distance < best.distance) best = { setting, distance };
  }
  // Near enough: a third of the name's letters at most (one for short names), so PARQEX_FOO is no
  // misspelt PARQEX_ENV.
  return best && best.distance <= Math.max(1, Math.floor(rest.length / 3)) ? best.setting : undefined;
}

export function loadConfig(env: Env = process.env): Config {
  // running.md: unknown or malformed settings stop the process at start, with one line naming one.
  const [unknown] = unknownSettings(env);
  if (unknown !== undefined) throw new ConfigError(unknown);
  const envName = env.PARQEX_ENV?.trim() || 'development';
  if (envName !== 'development' && envName !== 'production') {
    throw new ConfigError(`PARQEX_ENV must be development or production, got ${JSON.stringify(envName)}`);
  }
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const logLevel = env.PARQEX_LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `PARQEX_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`,
    );
  }
  const databaseUrl = env.PARQEX_DATABASE_URL?.trim() || 'sqlite:data/parqex.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError('PARQEX_DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres://…');
  }
  const secretKey = env.PARQEX_SECRET_KEY || undefined;
  if (secretKey !== undefined && secretKey.length < 32) {
    throw new ConfigError('PARQEX_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  if (envName === 'production' && secretKey === undefined) {
    throw new ConfigError('PARQEX_SECRET_KEY is required when PARQEX_ENV=production');
  }
  const rawPublicUrl = env.PARQEX_PUBLIC_URL?.trim();
  const smtpUrl = env.PARQEX_SMTP_URL?.trim() || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/.+/.test(smtpUrl)) {
    throw new ConfigError('PARQEX_SMTP_URL must be smtp://… or smtps://…');
  }
  const redisUrl = env.PARQEX_REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/.+/.test(redisUrl)) {
    throw new ConfigError('PARQEX_REDIS_URL must be redis://… or rediss://…');
  }
  const resolvedPublicUrl = publicUrl(rawPublicUrl || `http://localhost:${port}`, envName);
  const metricsToken = env.PARQEX_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]+$/.test(metricsToken)) {
    throw new ConfigError('PARQEX_METRICS_TOKEN must be printable ASCII without spaces');
  }
  if (envName === 'production' && metricsToken !== undefined && metricsToken.length < 32) {
    throw new ConfigError(
      'PARQEX_METRICS_TOKEN must be at least 32 characters when PARQEX_ENV=production (e.g. `openssl rand -hex 32`)',
    );
  }
  const metricsPort = env.PARQEX_METRICS_PORT ? integer(env, 'PARQEX_METRICS_PORT', 0, 1, 65535) : undefined;
  if (metricsPort !== undefined && metricsPort === port) {
    throw new ConfigError(`PARQEX_METRICS_PORT must differ from PORT (${port})`);
  }
  const stripeSecretKey = env.PARQEX_STRIPE_SECRET_KEY?.trim() || undefined;
  if (stripeSecretKey !== undefined && !/^(sk|rk)_(test|live)_[0-9A-Za-z_]+$/.test(stripeSecretKey)) {
    // Never echo the value: it is a secret.
    throw new ConfigError(
      'PARQEX_STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_…, sk_test_… or rk_…)',
    );
  }
  const rawFee = env.PARQEX_SERVICE_FEE_PERCENT?.trim() || '10';
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(rawFee) || Number(rawFee) > 100) {
    throw new ConfigError(
      `PARQEX_SERVICE_FEE_PERCENT must be a percentage from 0 to 100 with at most two decimals (got "${rawFee}")`,
    );
  }
  if (env.PARQEX_METRICS_HOST?.trim() && metricsPort === undefined) {
    throw new ConfigError('PARQEX_METRICS_HOST needs PARQEX_METRICS_PORT');
  }

  return Object.freeze({
    port,
    host,
    env: envName,
    publicUrl: resolvedPublicUrl,
    publicUrlIsDefault: !rawPublicUrl,
    databaseUrl,
    secretKey,
    toggleCooldownS: integer(env, 'PARQEX_TOGGLE_COOLDOWN_S', 20, 0, 86_400),
    logLevel,
    accessTokenTtlS: integer(env, 'PARQEX_ACCESS_TOKEN_TTL_S', 3600, 60, 86_400),
    codeTtlS: integer(env, 'PARQEX_CODE_TTL_S', 600, 10, 600),
    refreshTokenIdleTtlS: integer(env, 'PARQEX_REFRESH_TOKEN_IDLE_TTL_S', 90 * 86_400, 60, 3650 * 86_400),
    refreshGraceS: integer(env, 'PARQEX_REFRESH_GRACE_S', 10, 0, 300),
    consentTtlS: integer(env, 'PARQEX_CONSENT_TTL_S', 90 * 86_400, 0, 3650 * 86_400),
    sessionTtlS: integer(env, 'PARQEX_SESSION_TTL_S', 12 * 3600, 60, 90 * 86_400),
    tokenGetEnabled: flag(env, 'PARQEX_TOKEN_GET', true),
    loginMaxFailuresPerAccount: integer(env, 'PARQEX_LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginMaxFailuresPerIp: integer(env, 'PARQEX_LOGIN_MAX_FAILURES_PER_IP', 20, 1, 100_000),
    loginWindowS: integer(env, 'PARQEX_LOGIN_WINDOW_S', 900, 10, 86_400),
    trustProxyHops: integer(env, 'PARQEX_TRUST_PROXY', 0, 0, 10),
    dbPoolSize: integer(env, 'PARQEX_DB_POOL_SIZE', 10, 1, 500),
    simulatorTravelMs: integer(env, 'PARQEX_SIMULATOR_TRAVEL_MS', 3000, 0, 600_000),
    smtpUrl,
    mailFrom: env.PARQEX_MAIL_FROM?.trim() || `ParqEx <no-reply@${new URL(resolvedPublicUrl).hostname}>`,
    webhookDispatcherInServe: flag(env, 'PARQEX_WEBHOOK_DISPATCHER', true),
    staffEmails: Object.freeze(
      (env.PARQEX_STAFF_EMAILS ?? '')
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter((e) => e !== ''),
    ),
    cacheTtlMs: integer(env, 'PARQEX_CACHE_TTL_MS', 1000, 0, 60_000),
    redisUrl,
    redisPrefix: env.PARQEX_REDIS_PREFIX?.trim() || 'parqex:',
    metricsToken,
    metricsPort,
    metricsHost: env.PARQEX_METRICS_HOST?.trim() || '127.0.0.1',
    stripeSecretKey,
    serviceFeePercent: Number(rawFee),
    bookingGraceMinutes: integer(env, 'PARQEX_BOOKING_GRACE_MINUTES', 15, 0, 24 * 60),
  } satisfies Config);
}

/** The issuer's host, used as the host part of client ids (`<18 digits>.<host>`). */
export function publicHost(config: Pick<Config, 'publicUrl'>): string {
  return new URL(config.publicUrl).hostname;
}
