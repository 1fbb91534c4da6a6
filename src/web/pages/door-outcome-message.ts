import type { DoorState, ToggleResult } from '../../access/toggle.ts';

/** What a person pressing Open or Close is told, in plain words. */
export interface DoorOutcomeMessage {
  message: string;
  isError: boolean;
}

/**
 * The words of the doors page for a toggle's outcome (the API's wire messages stay those of spec
 * §5.4): what happened to `doorName`, and for a refusal why and what to do.
 */
export function doorOutcomeMessage(
  doorName: string,
  outcome: ToggleResult['outcome'],
  state: DoorState,
  waitS?: number,
): DoorOutcomeMessage {
  const verb = state === 'OPEN' ? 'open' : 'close';
  const error = (message: string) => ({ message, isError: true });
  switch (outcome) {
    case 'done':
      return { message: `Done: ${doorName} was asked to ${verb}.`, isError: false };
    case 'cooldown':
      return error(
        `${doorName} was used a moment ago. Please wait ${waitS ?? 1} s and try again. Nothing was changed.`,
      );
    case 'offline':
      return error(
        `${doorName} could not be reached: its controller is offline. Nothing was changed. Check that the controller is plugged in and connected, then try again.`,
      );
    case 'no_sensor':
      return error(
        `${doorName} has no door sensor paired, so its controller will not move it. Nothing was changed. Pair a door sensor with the controller (or ask the owner to), then try again.`,
      );
    case 'unsupported':
      return error(`${doorName} cannot be asked to ${verb}: its controller does not support that.`);
    case 'unauthorized':
      return error(
        `The controller of ${doorName} did not accept ParqEx's request (an authentication error). Nothing was changed. Please try again later.`,
      );
    case 'insufficient_scope':
      return error(`You are not allowed to ${verb} ${doorName}.`);
    default:
      return error(`${doorName} could not be asked to ${verb}. Nothing was changed.`);
  }
}
