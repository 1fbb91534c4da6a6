/**
 * What ParqEx asks of an access controller ("blackbox"). The simulated controller implements it for
 * development, integrators' testing and the testing accounts; a hardware transport (MQTT) can later.
 */
export type DoorAction = 'open' | 'close';

export interface ControllerDoor {
  deviceId: string;
  doorId: string;
  entityNumber: number;
}

/** ParqEx docs, Toggle Access Point: the outcomes a controller can give. */
export type CommandOutcome =
  /** Accepted. `reportAt`: when a simulated door's sensor will report its new state. */
  | { ok: true; reportAt?: number }
  | { ok: false; reason: 'offline' | 'no_sensor' | 'unsupported' | 'unauthorized' };

export interface ControllerPort {
  /**
   * Asks the controller to move a door. Resolves once the controller acknowledged (or refused) the
   * command; the door's new state arrives later, as a door sensor report.
   */
  command(door: ControllerDoor, action: DoorAction, now: number): Promise<CommandOutcome>;
}
