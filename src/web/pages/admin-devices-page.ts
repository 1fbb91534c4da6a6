import type { DeviceView, DoorView } from '../../access/simulator-settings.ts';
import type { User } from '../../accounts/users.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { formatLocal } from '../../lib/time.ts';

/** A message about one controller, shown in its card. */
export interface DeviceNotice {
  deviceId: string;
  message: string;
  isError: boolean;
}

/** The two Admin pages, as tabs. */
export function adminTabs(current: 'devices' | 'sharing'): SafeHtml {
  const tab = (name: typeof current, href: string, label: string) =>
    html`<li><a href="${href}"${name === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav class="tabs" aria-label="Admin pages"><ul>${tab('devices', '/admin', 'Devices and doors')}${tab('sharing', '/admin/sharing', 'Sharing')}</ul></nav>`;
}

function csrf(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** A one-button form that posts a setting. */
function switchForm(
  token: string,
  action: string,
  fields: Record<string, string>,
  label: string,
  kind: 'secondary' | 'danger' = 'secondary',
): SafeHtml {
  return html`<form method="post" action="${action}">${csrf(token)}${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit" class="${kind}">${label}</button></form>`;
}

function supportedActions(door: DoorView): string {
  if (door.canOpen && door.canClose) return 'Opens and closes';
  if (door.canOpen) return 'Cannot close';
  if (door.canClose) return 'Cannot open';
  return 'Cannot open or close';
}

function doorRow(device: DeviceView, door: DoorView, token: string): SafeHtml {
  const state =
    door.movingTo !== null
      ? door.movingTo === 'OPEN'
        ? 'Opening…'
        : 'Closing…'
      : door.state === 'OPEN'
        ? 'Open'
        : 'Closed';
  const unsupported = door.canOpen && door.canClose ? 'none' : door.canOpen ? 'close' : 'open';
  const doorFields = { door_id: door.id };
  return html`<li class="admin-door" id="door-${door.id}"><div class="door-head"><h3>${door.name}</h3><span class="muted">door ${door.entityNumber} · ${state}</span></div>
<div class="switches"><span class="badge${door.isApiEnabled ? '' : ' off'}">${door.isApiEnabled ? 'Applications: on' : 'Applications: off'}</span><span class="badge${door.hasSensor ? '' : ' warn'}">${door.hasSensor ? 'Sensor paired' : 'No door sensor'}</span><span class="badge${unsupported === 'none' ? '' : ' warn'}">${supportedActions(door)}</span></div>
<div class="switches">${switchForm(token, '/admin/doors/api', { ...doorFields, enabled: door.isApiEnabled ? '0' : '1' }, door.isApiEnabled ? 'Turn applications off' : 'Turn applications on')}</div>
${
  device.isSimulated
    ? html`<details><summary>Simulate this door</summary>
<div class="switches">${switchForm(token, '/admin/simulator', { ...doorFields, sensor: door.hasSensor ? '0' : '1' }, door.hasSensor ? 'Unpair sensor' : 'Pair sensor')}
${switchForm(token, '/admin/simulator', { ...doorFields, state: 'OPEN' }, 'Set open')}
${switchForm(token, '/admin/simulator', { ...doorFields, state: 'CLOSED' }, 'Set closed')}</div>
<form method="post" action="/admin/simulator">${csrf(token)}<input type="hidden" name="door_id" value="${door.id}">
<label for="unsupported-${door.id}">Actions the controller refuses (501)</label>
<select id="unsupported-${door.id}" name="unsupported">${(
        [
          ['none', 'None: opens and closes'],
          ['open', 'Open'],
          ['close', 'Close'],
        ] as const
      ).map(
        ([value, label]) =>
          html`<option value="${value}"${value === unsupported ? html` selected` : ''}>${label}</option>`,
      )}</select>
<div class="actions"><button type="submit" class="secondary">Save actions</button></div></form>
</details>`
    : ''
}</li>`;
}

function deviceCard(device: DeviceView, input: Parameters<typeof adminDevicesPage>[0]): SafeHtml {
  const notice = input.notice?.deviceId === device.id ? input.notice : undefined;
  const token = input.csrfToken;
  return html`<li class="card device" id="device-${device.id}" aria-labelledby="device-${device.id}-name">
<div class="door-head"><h2 id="device-${device.id}-name">Controller ${device.blackboxCode}</h2>${device.isOnline ? html`<span class="badge">Online</span>` : html`<span class="badge warn">Offline</span>`}</div>
<p class="muted">${device.isSimulated ? 'Simulated controller' : 'Controller'} · ${device.doors.length} door${device.doors.length === 1 ? '' : 's'} · software ${device.softwareVersion} · last contact ${device.lastContact === null ? 'never' : formatLocal(device.lastContact, input.user.timeZone)}</p>
${notice ? (notice.isError ? html`<p class="error" role="alert">${notice.message}</p>` : html`<p class="notice" role="status">${notice.message}</p>`) : ''}
${device.isSimulated ? html`<div class="switches">${switchForm(token, '/admin/simulator', { device_id: device.id, online: device.isOnline ? '0' : '1' }, device.isOnline ? 'Take offline' : 'Bring online')}</div>` : ''}
<ul class="rows">${device.doors.map((door) => doorRow(device, door, token))}</ul>
</li>`;
}

/** The Admin's controllers and doors: applications' access per door, and the simulator's state. */
export function adminDevicesPage(input: {
  csrfToken: string;
  user: User;
  devices: DeviceView[];
  now: number;
  notice?: DeviceNotice;
}): string {
  return layout(
    'Devices and doors',
    html`<h1>Admin</h1>
${adminTabs('devices')}
<p class="muted">Applications your people authorized can open and close a door only while its applications switch is on. A simulated controller behaves as you set it here.</p>
${
  input.devices.length === 0
    ? html`<section class="card"><p class="muted">Your account has no controller yet.</p></section>`
    : html`<ul class="doors">${input.devices.map((d) => deviceCard(d, input))}</ul>`
}`,
    { nav: { role: input.user.role, current: 'admin' }, wide: true },
  );
}
