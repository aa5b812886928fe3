/**
 * The result archive of the ColabFold MMseqs2 API: a .tar.gz whose members are A3M files
 * (`uniref.a3m`, and in env modes `bfd.mgnify30.metaeuk30.smag30.a3m`), template hits
 * (`pdb70.m8`) and others. Unpacked in memory: gunzip (fflate), then the tar reader of the
 * parameter layer over the bytes.
 */
import { gunzipSync } from 'fflate';
import { bufferSource } from '../params/source.ts';
import { listTar } from '../params/tar.ts';
import { RemoteMsaError } from './errors.ts';

/** Regular files of a .tar.gz by base name. */
export async function untarGz(bytes: Uint8Array, label = 'result archive'): Promise<Map<string, Uint8Array>> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const head = new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\s+/g, ' ').trim();
    throw new RemoteMsaError(
      'bad-archive',
      `the ${label} is not a .tar.gz (it starts with "${head || '(nothing)'}")`,
    );
  }
  let tar: Uint8Array;
  try {
    tar = gunzipSync(bytes);
  } catch (err) {
    throw new RemoteMsaError(
      'bad-archive',
      `the ${label} is a damaged .tar.gz: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let members: Awaited<ReturnType<typeof listTar>>;
  try {
    members = await listTar(bufferSource(tar, label));
  } catch (err) {
    throw new RemoteMsaError('bad-archive', err instanceof Error ? err.message : String(err));
  }
  const out = new Map<string, Uint8Array>();
  for (const m of members) {
    if (m.type !== '0' && m.type !== '\0' && m.type !== '7') continue;
    out.set(m.name.slice(m.name.lastIndexOf('/') + 1), tar.subarray(m.offset, m.offset + m.size));
  }
  return out;
}
