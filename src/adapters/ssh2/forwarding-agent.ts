// An http.Agent whose "sockets" are streams opened over the SSH connection, so docker-modem's HTTP requests reach
// the remote Docker engine without a second connection. One channel a request; the channel closes with it.
import http from 'node:http';
import type { Duplex } from 'node:stream';

export class ForwardingAgent extends http.Agent {
  constructor(private readonly openStream: () => Promise<Duplex>) {
    super({ keepAlive: false });
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    this.openStream().then(
      (stream) => callback?.(null, stream),
      (error: Error) => callback?.(error, undefined as never),
    );
    return undefined;
  }
}
