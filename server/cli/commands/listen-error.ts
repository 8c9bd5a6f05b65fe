// A port that cannot be bound is a configuration problem, said in one line without a stack
// trace, naming how to choose another port.
import { R1flowError } from '../../../engine/errors.ts';

/** `how` is the way to choose a port, e.g. `--port N or PORT=N`; other errors pass through. */
export function listenError(error: unknown, host: string, port: number, how: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new R1flowError(
      'CONFIG_INVALID',
      `port ${port} on ${host} is already in use; choose another with ${how}`,
    );
  }
  if (code === 'EACCES') {
    return new R1flowError(
      'CONFIG_INVALID',
      `not allowed to listen on port ${port} on ${host}; choose a port above 1023 with ${how}`,
    );
  }
  return error;
}
