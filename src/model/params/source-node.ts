/**
 * Node-only byte source over a file handle (`fs.promises`); never imported by browser code.
 */
import { open } from 'node:fs/promises';
import { ParamsError } from './errors.ts';
import { type ByteSource, checkRange } from './source.ts';

export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new ParamsError('not-found', `${path}: cannot open (${err.code ?? err.message})`);
  });
  const { size } = await handle.stat();
  const src: ByteSource = {
    name: path,
    size,
    async read(offset, length) {
      checkRange(src, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new ParamsError('truncated', `${path}: unexpected end of file at ${offset + done}`);
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
  return src;
}
