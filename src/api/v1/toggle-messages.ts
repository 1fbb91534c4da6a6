const HARDWARE = 'ParqEx Controller';

/** ParqEx docs, Toggle Access Point: the outcome messages, with our HTTP statuses (spec §5.4). */
export const TOGGLE_MESSAGES = {
  done: '200',
  malformed: `Error communicating with ${HARDWARE}. Malformed Request. (400)`,
  unauthorized: `Error communicating with ${HARDWARE}. Authentication error. (401)`,
  offline: `Sorry, your ${HARDWARE} can't be found. Please unplug the ${HARDWARE} and then plug it back in.`,
  no_sensor: `Your ${HARDWARE} requires pairing a door sensor before the request can be processed. (428)`,
  unsupported: `Error communicating with ${HARDWARE}. Not Implemented error. (501)`,
} as const;

/** The 429 message of the per-door cooldown (our decision: the docs' "wait about 20 s" advice). */
export function cooldownMessage(waitS: number): string {
  return `This door was just toggled. Please wait ${waitS} seconds before toggling it again.`;
}
