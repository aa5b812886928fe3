/** Cache Storage in memory, for tests of the service worker (optional byte quota over all caches). */
export class MemoryCache {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();
  constructor(private readonly owner: MemoryCaches) {}
  async put(url: string, res: Response) {
    const body = await res.arrayBuffer();
    if (this.owner.usedBytes() + body.byteLength > this.owner.quota) {
      throw new DOMException('quota', 'QuotaExceededError');
    }
    this.entries.set(url, { body, headers: [...res.headers] });
  }
  async match(url: string) {
    const e = this.entries.get(url);
    return e ? new Response(e.body.slice(0), { headers: e.headers }) : undefined;
  }
}

export class MemoryCaches {
  readonly map = new Map<string, MemoryCache>();
  quota = Number.POSITIVE_INFINITY;
  usedBytes() {
    let n = 0;
    for (const c of this.map.values()) for (const e of c.entries.values()) n += e.body.byteLength;
    return n;
  }
  async open(name: string) {
    let c = this.map.get(name);
    if (!c) this.map.set(name, (c = new MemoryCache(this)));
    return c;
  }
  async delete(name: string) {
    return this.map.delete(name);
  }
  async has(name: string) {
    return this.map.has(name);
  }
  async keys() {
    return [...this.map.keys()];
  }
  asCacheStorage() {
    return this as unknown as CacheStorage;
  }
}
