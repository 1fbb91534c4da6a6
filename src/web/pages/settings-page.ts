import type { UserSettings } from '../../accounts/settings.ts';
import type { User, Vehicle } from '../../accounts/users.ts';
import { VEHICLE_LIMITS } from '../../accounts/vehicles.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';

/** The door-open alert tones a person can pick (spec §5.2 `door_open_alert_notification_tone`). */
export const ALERT_TONES: Record<string, string> = {
  door_open: 'Door open (default)',
  chime: 'Chime',
  bell: 'Bell',
  alarm: 'Alarm',
};

/** Every IANA time zone this runtime knows, for the time zone menu. */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

export interface SettingsErrors {
  settings?: string;
  pin?: string;
  vehicle?: string;
}

function options(values: readonly string[], current: string, label: (v: string) => string = (v) => v) {
  const all = values.includes(current) ? values : [current, ...values];
  return all.map(
    (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${label(v)}</option>`,
  );
}

function vehicleLine(v: Vehicle): string {
  const about = [v.color, v.make, v.model].filter(Boolean).join(' ');
  return `${v.region ? `${v.region} · ` : ''}${about}`;
}

function csrf(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** Settings (spec §5.2: time zone, door-open alerts, keypad PIN) and the person's vehicles. */
export function settingsPage(input: {
  csrfToken: string;
  user: User;
  settings: UserSettings;
  vehicles: Vehicle[];
  notice?: string;
  errors?: SettingsErrors;
  /** What was typed into the add-vehicle form, kept when it was refused. */
  vehicleDraft?: Partial<Record<keyof typeof VEHICLE_LIMITS, string>>;
}): string {
  const { settings, errors = {} } = input;
  const draft = input.vehicleDraft ?? {};
  const pinDigits = settings.pinCode?.length ?? 0;
  return layout(
    'Settings',
    html`<h1>Settings</h1>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
<section class="card" id="preferences">
<h2>Time and alerts</h2>
${errors.settings ? html`<p class="error" role="alert">${errors.settings}</p>` : ''}
<form method="post" action="/settings">${csrf(input.csrfToken)}
<label for="time_zone">Time zone</label>
<select id="time_zone" name="time_zone">${options(TIME_ZONES, settings.timeZone)}</select>
<p class="muted">Times in ParqEx and in applications you authorized are shown in this zone.</p>
<label class="check"><input type="checkbox" name="door_open_alert" value="on"${settings.doorOpenAlertEnabled ? html` checked` : ''}> Alert me when a door stays open</label>
<label for="door_open_alert_tone">Alert tone</label>
<select id="door_open_alert_tone" name="door_open_alert_tone">${options(Object.keys(ALERT_TONES), settings.doorOpenAlertTone, (v) => ALERT_TONES[v] ?? v)}</select>
<div class="actions"><button type="submit">Save settings</button></div>
</form>
</section>
<section class="card" id="pin">
<h2>Keypad PIN</h2>
<p>${settings.pinCode === null ? html`<span class="muted">No PIN set.</span>` : html`Your PIN: <span aria-label="${pinDigits} digits, hidden">${'•'.repeat(pinDigits)}</span>`}</p>
${errors.pin ? html`<p class="error" role="alert">${errors.pin}</p>` : ''}
<form method="post" action="/settings/pin">${csrf(input.csrfToken)}
<label for="pin_code">${settings.pinCode === null ? 'New PIN' : 'Change PIN'}</label>
<input id="pin_code" name="pin_code" type="password" inputmode="numeric" pattern="[0-9]{4,8}" minlength="4" maxlength="8" autocomplete="off" required>
<p class="muted">4 to 8 digits. Only you and the applications you authorized can read it.</p>
<div class="actions"><button type="submit">Save PIN</button></div>
</form>
${settings.pinCode === null ? '' : html`<form method="post" action="/settings/pin/remove">${csrf(input.csrfToken)}<div class="actions"><button type="submit" class="danger">Remove PIN</button></div></form>`}
</section>
<section class="card" id="vehicles">
<h2>Vehicles</h2>
${
  input.vehicles.length === 0
    ? html`<p class="muted">No vehicle yet.</p>`
    : html`<ul class="rows">${input.vehicles.map(
        (v) => html`<li><div><strong>${v.plate}</strong> <span class="muted">${vehicleLine(v)}</span></div>
<form method="post" action="/settings/vehicles/remove">${csrf(input.csrfToken)}<input type="hidden" name="vehicle_id" value="${v.id}"><button type="submit" class="danger" aria-label="Remove ${v.plate}">Remove</button></form></li>`,
      )}</ul>`
}
<h2>Add a vehicle</h2>
${errors.vehicle ? html`<p class="error" role="alert">${errors.vehicle}</p>` : ''}
<form method="post" action="/settings/vehicles">${csrf(input.csrfToken)}
<label for="plate">Licence plate</label>
<input id="plate" name="plate" type="text" required maxlength="${VEHICLE_LIMITS.plate}" autocomplete="off" value="${draft.plate ?? ''}">
<div class="filters">
<div><label for="region">State or region</label><input id="region" name="region" type="text" maxlength="${VEHICLE_LIMITS.region}" value="${draft.region ?? ''}"></div>
<div><label for="color">Color</label><input id="color" name="color" type="text" maxlength="${VEHICLE_LIMITS.color}" value="${draft.color ?? ''}"></div>
<div><label for="make">Make</label><input id="make" name="make" type="text" maxlength="${VEHICLE_LIMITS.make}" value="${draft.make ?? ''}"></div>
<div><label for="model">Model</label><input id="model" name="model" type="text" maxlength="${VEHICLE_LIMITS.model}" value="${draft.model ?? ''}"></div>
</div>
<div class="actions"><button type="submit">Add vehicle</button></div>
</form>
</section>`,
    { nav: { role: input.user.role, current: 'settings' } },
  );
}
