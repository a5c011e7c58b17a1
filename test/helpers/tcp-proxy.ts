import net from "node:net";
import type { AddressInfo } from "node:net";

/** A loopback TCP proxy a test can cut and restore, to take a service away from a process and give it back. */
export interface TcpProxy {
  port: number;
  /** connections accepted so far */
  readonly accepted: number;
  /** drops every connection and refuses new ones */
  cut(): Promise<void>;
  /** accepts connections again, on the same port */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  let accepted = 0;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = net.createServer((client) => {
        accepted++;
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    port,
    get accepted() {
      return accepted;
    },
    cut: stop,
    restore: async () => void (await listen(port)),
    close: stop,
  };
}
