// An http.Agent whose "sockets" are streams opened over the SSH connection, so docker-modem's HTTP requests reach
// the remote Docker engine without a second connection. One channel a request; the channel closes with it.
import http from 'node:http';
import { inspect } from 'node:util';
import type { Duplex } from 'node:stream';

export class ForwardingAgent extends http.Agent {
  constructor(private readonly openStream: () => Promise<Duplex>) {
    super({ keepAlive: false });
  }

  // docker-modem formats every request's options with util.inspect({ showHidden: true, depth: null }) before it knows
  // whether debug output is on; this agent's open sockets lead into the whole ssh2 connection, so that walk cost
  // 10-20 ms of CPU per Docker call (measured in a --cpu-prof of a TUI restore). One word says all a log needs.
  [inspect.custom](): string {
    return 'ForwardingAgent(ssh)';
  }

  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    this.openStream().then(
      (stream) => callback?.(null, stream),
      (error: Error) => callback?.(error, undefined as never),
    );
    return undefined;
  }
}
