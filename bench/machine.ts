/** The facts a reader needs to compare two runs: printed above the table. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAtStart: number;
}

/** The 1-minute load average now. */
export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

export function machineFacts(): MachineFacts {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: loadAverage(),
  };
}
