/**
 * A local HTTP server for parameter files, for the download tests (unit and e2e): full and
 * ranged GETs (`Range: bytes=N-` / `bytes=N-M`, `If-Range` against the ETag), ETag and
 * Last-Modified, an optional `<path>.sha256` sidecar, and switches that make it misbehave the
 * way real networks and mirrors do:
 *
 *   cutAt        the next response stops after this many body bytes and the connection is
 *                destroyed (once), as when Wi-Fi drops half-way
 *   holdAt       the next response sends this many body bytes, then waits for `release()`
 *                (once), so a test can act while a download is surely under way
 *   tamper       serve the file with one byte changed (same size, its own ETag)
 *   ignoreRange  answer every GET with 200 and the whole file
 *   changed      a new ETag/Last-Modified, as if the file were replaced on the server
 *   sidecar      serve `<path>.sha256` with the published (untampered) digest
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORS_HEADERS, handlePreflight } from './cors.ts';

export interface ParamsSwitches {
  cutAt?: number;
  holdAt?: number;
  tamper: boolean;
  ignoreRange: boolean;
  changed: boolean;
  sidecar: boolean;
  /** always answer this HTTP status (e.g. 404, 500) */
  status?: number;
}

export interface ParamsRequest {
  method: string;
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
  /** body bytes sent */
  sent: number;
}

export interface ParamsServer {
  url: string;
  switches: ParamsSwitches;
  requests: ParamsRequest[];
  /** let a held response (holdAt) send the rest */
  release(): void;
  /** SHA-256 (hex) of the genuine file */
  sha256(path: string): string;
  /** Back to the switches the server started with; the request log emptied (between tests). */
  reset(): void;
  close(): Promise<void>;
}

const LAST_MODIFIED = new Date(Date.UTC(2022, 11, 6, 12, 0, 0)).toUTCString();
const CHANGED_MODIFIED = new Date(Date.UTC(2023, 0, 1, 12, 0, 0)).toUTCString();

export function tampered(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const at = Math.floor(out.length * 0.75);
  out[at] ^= 0xff;
  return out;
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export async function startParamsServer(
  files: Record<string, Uint8Array>,
  port = 0,
  initial: Partial<ParamsSwitches> = {},
): Promise<ParamsServer> {
  const start: ParamsSwitches = {
    tamper: false,
    ignoreRange: false,
    changed: false,
    sidecar: false,
    ...initial,
  };
  const switches: ParamsSwitches = { ...start };
  const requests: ParamsRequest[] = [];
  const held: (() => void)[] = [];

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    if (handlePreflight(req, res)) return;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const entry: ParamsRequest = {
      method: req.method ?? 'GET',
      path,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      status: 0,
      sent: 0,
    };
    requests.push(entry);
    const reply = (status: number, headers: Record<string, string | number>, body?: Uint8Array) => {
      entry.status = status;
      res.writeHead(status, { ...CORS_HEADERS, ...headers });
      if (req.method === 'HEAD' || !body) {
        res.end();
        return;
      }
      const cut = switches.cutAt;
      if (cut !== undefined && cut < body.length) {
        switches.cutAt = undefined;
        entry.sent = cut;
        res.write(body.subarray(0, cut), () => {
          // Give the bytes time to leave before the connection drops (no RST over unread data).
          setTimeout(() => res.socket?.destroy(), 50);
        });
        return;
      }
      const hold = switches.holdAt;
      if (hold !== undefined && hold < body.length) {
        switches.holdAt = undefined;
        entry.sent = hold;
        res.write(body.subarray(0, hold));
        held.push(() => {
          if (res.destroyed || res.writableEnded) return;
          entry.sent = body.length;
          res.end(body.subarray(hold));
        });
        return;
      }
      entry.sent = body.length;
      res.end(body);
    };

    if (switches.status !== undefined)
      return reply(
        switches.status,
        { 'Content-Type': 'text/plain' },
        new TextEncoder().encode(`HTTP ${switches.status} from the test server\n`),
      );
    if (path.endsWith('.sha256')) {
      const genuine = files[path.slice(0, -'.sha256'.length)];
      if (!genuine || !switches.sidecar)
        return reply(404, { 'Content-Type': 'text/plain' }, new TextEncoder().encode('not found\n'));
      const name = path.slice(path.lastIndexOf('/') + 1, -'.sha256'.length);
      return reply(
        200,
        { 'Content-Type': 'text/plain' },
        new TextEncoder().encode(`${sha256Hex(genuine)}  ${name}\n`),
      );
    }
    const genuine = files[path];
    if (!genuine)
      return reply(404, { 'Content-Type': 'text/plain' }, new TextEncoder().encode('not found\n'));
    const body = switches.tamper ? tampered(genuine) : genuine;
    const etag = `"${sha256Hex(body).slice(0, 16)}${switches.changed ? '-v2' : ''}"`;
    const lastModified = switches.changed ? CHANGED_MODIFIED : LAST_MODIFIED;
    const common = {
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': switches.ignoreRange ? 'none' : 'bytes',
      ETag: etag,
      'Last-Modified': lastModified,
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const rangeValid =
      range && !switches.ignoreRange && (!ifRange || ifRange === etag || ifRange === lastModified);
    if (!rangeValid) return reply(200, { ...common, 'Content-Length': body.length }, body);
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    if (start >= body.length || end < start) {
      return reply(416, { ...common, 'Content-Range': `bytes */${body.length}` });
    }
    const part = body.subarray(start, end + 1);
    return reply(
      206,
      { ...common, 'Content-Length': part.length, 'Content-Range': `bytes ${start}-${end}/${body.length}` },
      part,
    );
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    switches,
    requests,
    release: () => {
      for (const go of held.splice(0)) go();
    },
    sha256: (path) => sha256Hex(files[path]),
    reset: () => {
      for (const k of Object.keys(switches) as (keyof ParamsSwitches)[]) delete switches[k];
      Object.assign(switches, start);
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
