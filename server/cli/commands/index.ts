// Every CLI command, in the order `r1flow --help` lists them.
import type { CliCommand } from '../command.ts';
import { connectionsCommand } from './connections.ts';
import { demoCommand } from './demo.ts';
import evalCommand from './eval.ts';
import { exportCommand } from './export.ts';
import { flowsCommand } from './flows.ts';
import { keysCommand } from './keys.ts';
import queues from './queues.ts';
import run from './run.ts';
import { runsCommand } from './runs.ts';
import simLlm from './sim-llm.ts';
import start from './start.ts';
import { usersCommand } from './users.ts';
import validate from './validate.ts';
import vote from './vote.ts';
import { warehouseCommand } from './warehouse.ts';
import worker from './worker.ts';

export async function loadCommands(): Promise<CliCommand[]> {
  return [
    start,
    worker,
    queues,
    run,
    validate,
    evalCommand,
    runsCommand,
    flowsCommand,
    keysCommand,
    usersCommand,
    connectionsCommand,
    exportCommand,
    warehouseCommand,
    vote,
    simLlm,
    demoCommand,
  ];
}
