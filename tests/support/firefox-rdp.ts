/**
 * A minimal client of Firefox's remote debugging protocol (the one about:debugging speaks), for the one
 * thing WebDriver BiDi cannot do: terminate an add-on's event page, as Firefox does to an idle one
 * (about:debugging's "Terminate background script"). Packets are `length:json`.
 */
import net from 'node:net';

interface Packet { from: string; error?: string; message?: string; [key: string]: unknown }

export class FirefoxRdp {
  private buffer = Buffer.alloc(0);
  private waiting: { from: string; resolve: (p: Packet) => void; reject: (e: Error) => void }[] = [];
  private greeted: Promise<void>;

  private constructor(private socket: net.Socket) {
    let greet!: () => void;
    this.greeted = new Promise((r) => (greet = r));
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk as Buffer]);
      for (;;) {
        const colon = this.buffer.indexOf(58);
        if (colon < 0) return;
        const length = Number(this.buffer.subarray(0, colon).toString());
        if (this.buffer.length < colon + 1 + length) return;
        const packet = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString()) as Packet;
        this.buffer = this.buffer.subarray(colon + 1 + length);
        if (packet.from === 'root' && 'applicationType' in packet) { greet(); continue; }
        const i = this.waiting.findIndex((w) => w.from === packet.from);
        if (i < 0) continue; // an event nobody asked for
        const [w] = this.waiting.splice(i, 1);
        if (packet.error) w.reject(new Error(`${packet.error}: ${packet.message ?? ''}`));
        else w.resolve(packet);
      }
    });
  }

  /** Connects to `--start-debugger-server <port>`, retrying while Firefox starts. */
  static async connect(port: number): Promise<FirefoxRdp> {
    for (let attempt = 0; ; attempt++) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        const rdp = new FirefoxRdp(socket);
        await rdp.greeted;
        return rdp;
      } catch (e) {
        if (attempt > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  request(to: string, type: string, extra: Record<string, unknown> = {}): Promise<Packet> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ from: to, resolve, reject });
      const text = JSON.stringify({ to, type, ...extra });
      this.socket.write(`${Buffer.byteLength(text)}:${text}`);
    });
  }

  /** Terminates the add-on's background (its event page): the next extension event starts a fresh one. */
  async terminateBackground(addonId: string): Promise<void> {
    const { addons } = await this.request('root', 'listAddons') as unknown as { addons: { id: string; actor: string }[] };
    const addon = addons.find((a) => a.id === addonId);
    if (!addon) throw new Error(`no add-on ${addonId}`);
    await this.request(addon.actor, 'terminateBackgroundScript');
  }

  close() {
    this.socket.destroy();
  }
}

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
