/**
 * Incremental SHA-256 (FIPS 180-4), for files too large to hold in memory at once: WebCrypto's
 * `digest()` takes one buffer, a downloaded parameter file (370 MB, or the 5.3 GB tar) is hashed
 * piece by piece as it is read back from storage.
 *
 *   const h = new Sha256(); h.update(a); h.update(b); h.hex()  // === sha256(a ‖ b)
 */

// First 32 bits of the fractional parts of the cube roots of the first 64 primes (as int32, so
// the round arithmetic stays in small integers instead of doubles).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** A hasher's state between updates, as plain JSON (to continue hashing a resumed download). */
export interface Sha256State {
  h: number[];
  /** the bytes of the unfinished 64-byte block */
  pending: number[];
  length: number;
}

export class Sha256 {
  private readonly h = new Int32Array(H0);
  private readonly w = new Int32Array(64);
  /** bytes of the current, not yet compressed 64-byte block */
  private readonly block = new Uint8Array(64);
  private fill = 0;
  /** total bytes hashed so far */
  private length = 0;
  private done = false;

  get bytesHashed(): number {
    return this.length;
  }

  /** The state so far; `Sha256.resume(state)` continues exactly here. */
  state(): Sha256State {
    if (this.done) throw new Error('Sha256: state() after digest()');
    return {
      h: Array.from(this.h),
      pending: Array.from(this.block.subarray(0, this.fill)),
      length: this.length,
    };
  }

  static resume(state: Sha256State): Sha256 {
    const ok =
      state.h?.length === 8 &&
      Array.isArray(state.pending) &&
      state.pending.length < 64 &&
      Number.isSafeInteger(state.length) &&
      state.length % 64 === state.pending.length;
    if (!ok) throw new Error('Sha256.resume: not a saved hash state');
    const s = new Sha256();
    s.h.set(state.h);
    s.block.set(state.pending);
    s.fill = state.pending.length;
    s.length = state.length;
    return s;
  }

  update(data: Uint8Array): this {
    if (this.done) throw new Error('Sha256: update() after digest()');
    this.length += data.length;
    let p = 0;
    if (this.fill > 0) {
      const take = Math.min(64 - this.fill, data.length);
      this.block.set(data.subarray(0, take), this.fill);
      this.fill += take;
      p = take;
      if (this.fill < 64) return this;
      this.compress(this.block, 0);
      this.fill = 0;
    }
    for (; p + 64 <= data.length; p += 64) this.compress(data, p);
    if (p < data.length) {
      this.block.set(data.subarray(p), 0);
      this.fill = data.length - p;
    }
    return this;
  }

  /** The 32-byte digest; the hasher cannot be updated afterwards. */
  digest(): Uint8Array {
    if (this.done) throw new Error('Sha256: digest() called twice');
    const bits = this.length * 8;
    // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
    const padLen = this.fill < 56 ? 56 - this.fill : 120 - this.fill;
    const pad = new Uint8Array(padLen + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(padLen, Math.floor(bits / 2 ** 32));
    view.setUint32(padLen + 4, bits >>> 0);
    this.update(pad);
    this.done = true;
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setInt32(i * 4, this.h[i]);
    return out;
  }

  hex(): string {
    return Array.from(this.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  private compress(b: Uint8Array, at: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4;
      w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    const h = this.h;
    let a = h[0];
    let bb = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + bb) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + hh) | 0;
  }
}

/** SHA-256 of a Blob (or an OPFS File), read `chunk` bytes at a time; `onBytes` after each. */
export async function sha256OfBlob(
  blob: Blob,
  onBytes?: (done: number, total: number) => void,
  chunk = 8 * 2 ** 20,
): Promise<string> {
  const h = new Sha256();
  for (let at = 0; at < blob.size; at += chunk) {
    h.update(new Uint8Array(await blob.slice(at, at + chunk).arrayBuffer()));
    onBytes?.(Math.min(at + chunk, blob.size), blob.size);
  }
  return h.hex();
}

/** A SHA-256 hex digest as typed or pasted (any case, spaces, `sha256:` prefix); undefined if none. */
export function parseSha256(text: string): string | undefined {
  const m = /\b([0-9a-f]{64})\b/i.exec(text);
  return m ? m[1].toLowerCase() : undefined;
}
