/**
 * The page side of the service worker with a fake `navigator.serviceWorker`: nothing is
 * registered in dev (and a leftover webfold worker is removed), the first install reports its
 * progress and readiness, an update waits for the user, and "reload" hands over to it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SKIP_WAITING } from '../../sw/messages.ts';

class FakeWorker extends EventTarget {
  readonly posted: unknown[] = [];
  constructor(
    public state: ServiceWorkerState,
    readonly scriptURL = 'http://127.0.0.1/sw.js',
  ) {
    super();
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  become(state: ServiceWorkerState) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
  active: FakeWorker | null = null;
  updates = 0;
  unregistered = false;
  async update() {
    this.updates++;
  }
  async unregister() {
    this.unregistered = true;
    return true;
  }
}

class FakeContainer extends EventTarget {
  controller: FakeWorker | null = null;
  registered: { url: string; options: RegistrationOptions }[] = [];
  constructor(
    readonly reg: FakeRegistration,
    private existing: FakeRegistration[] = [],
  ) {
    super();
  }
  async register(url: string, options: RegistrationOptions) {
    this.registered.push({ url, options });
    return this.reg;
  }
  async getRegistration() {
    return this.existing[0];
  }
  async getRegistrations() {
    return this.existing;
  }
  startMessages() {}
}

let reloads = 0;

function installGlobals(container: FakeContainer) {
  const win = new EventTarget() as EventTarget & { location: unknown };
  win.location = {
    href: 'http://127.0.0.1/',
    reload: () => {
      reloads++;
    },
  };
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
  vi.stubGlobal('navigator', { serviceWorker: container, onLine: true });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function load() {
  vi.resetModules();
  const register = await import('./register.ts');
  const { usePwaStore } = await import('./store.ts');
  return { ...register, usePwaStore };
}

describe('service worker registration (page side)', () => {
  beforeEach(() => {
    reloads = 0;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('registers nothing in dev and removes a webfold worker left from a preview', async () => {
    vi.stubEnv('PROD', false);
    const leftover = new FakeRegistration();
    leftover.active = new FakeWorker('activated', 'http://127.0.0.1:5173/sw.js');
    const foreign = new FakeRegistration();
    foreign.active = new FakeWorker('activated', 'http://127.0.0.1:5173/other-worker.js');
    const container = new FakeContainer(new FakeRegistration(), [leftover, foreign]);
    installGlobals(container);
    const { startPwa, usePwaStore } = await load();
    startPwa();
    await flush();
    expect(container.registered).toEqual([]);
    expect(leftover.unregistered).toBe(true);
    expect(foreign.unregistered).toBe(false);
    expect(usePwaStore.getState().offline).toEqual({ kind: 'dev' });
  });

  it('first install: saving with progress, then ready; no update prompt without a controller', async () => {
    vi.stubEnv('PROD', true);
    const reg = new FakeRegistration();
    const installing = new FakeWorker('installing');
    reg.installing = installing;
    const container = new FakeContainer(reg);
    installGlobals(container);
    const { startPwa, usePwaStore } = await load();
    startPwa();
    await flush();
    expect(container.registered).toEqual([
      { url: '/sw.js', options: { scope: '/', updateViaCache: 'none' } },
    ]);
    expect(usePwaStore.getState().offline.kind).toBe('saving');
    const progress = { files: 1, totalFiles: 2, bytes: 10, totalBytes: 20 };
    container.dispatchEvent(
      new MessageEvent('message', { data: { type: 'webfold-sw:progress', version: 'v1', progress } }),
    );
    expect(usePwaStore.getState().offline).toEqual({ kind: 'saving', progress });

    reg.installing = null;
    reg.active = installing;
    installing.become('activated');
    expect(usePwaStore.getState().offline).toEqual({ kind: 'ready' });
    // a late progress message does not undo 'ready'
    container.dispatchEvent(
      new MessageEvent('message', { data: { type: 'webfold-sw:progress', version: 'v1', progress } }),
    );
    expect(usePwaStore.getState().offline).toEqual({ kind: 'ready' });
    expect(usePwaStore.getState().updateReady).toBe(false);
  });

  it('a failed first install says why', async () => {
    vi.stubEnv('PROD', true);
    const reg = new FakeRegistration();
    const installing = new FakeWorker('installing');
    reg.installing = installing;
    const container = new FakeContainer(reg);
    installGlobals(container);
    const { startPwa, usePwaStore } = await load();
    startPwa();
    await flush();
    const message = 'index.html could not be downloaded: HTTP 404';
    container.dispatchEvent(
      new MessageEvent('message', { data: { type: 'webfold-sw:failed', version: 'v1', message } }),
    );
    reg.installing = null;
    installing.become('redundant');
    expect(usePwaStore.getState().offline).toEqual({ kind: 'failed', message });
  });

  it('an update waits for the user; "reload" sends SKIP_WAITING and reloads once the new version controls', async () => {
    vi.stubEnv('PROD', true);
    const reg = new FakeRegistration();
    reg.active = new FakeWorker('activated');
    const container = new FakeContainer(reg, [reg]);
    container.controller = reg.active;
    installGlobals(container);
    const { startPwa, applyUpdate, usePwaStore } = await load();
    startPwa();
    await flush();
    expect(usePwaStore.getState().offline).toEqual({ kind: 'ready' });

    const next = new FakeWorker('installing');
    reg.installing = next;
    reg.dispatchEvent(new Event('updatefound'));
    expect(usePwaStore.getState().updateReady).toBe(false);
    reg.installing = null;
    reg.waiting = next;
    next.become('installed');
    expect(usePwaStore.getState().updateReady).toBe(true);
    expect(next.posted).toEqual([]); // nothing swapped by itself

    applyUpdate();
    expect(usePwaStore.getState().updating).toBe(true);
    expect(next.posted).toEqual([{ type: SKIP_WAITING }]);
    expect(reloads).toBe(0);
    container.controller = next;
    container.dispatchEvent(new Event('controllerchange'));
    expect(reloads).toBe(1);
    expect(usePwaStore.getState().updatedElsewhere).toBe(false);
  });

  it('an update taken in another tab is shown, not reloaded', async () => {
    vi.stubEnv('PROD', true);
    const reg = new FakeRegistration();
    reg.active = new FakeWorker('activated');
    const container = new FakeContainer(reg, [reg]);
    container.controller = reg.active;
    installGlobals(container);
    const { startPwa, usePwaStore } = await load();
    startPwa();
    await flush();
    container.dispatchEvent(new Event('controllerchange'));
    expect(usePwaStore.getState().updatedElsewhere).toBe(true);
    expect(reloads).toBe(0);
  });

  it('offline, a failing update check of the installed version is not an error', async () => {
    vi.stubEnv('PROD', true);
    const reg = new FakeRegistration();
    reg.active = new FakeWorker('activated');
    const container = new FakeContainer(reg, [reg]);
    container.controller = reg.active;
    container.register = async () => {
      throw new TypeError(
        'Failed to update a ServiceWorker: An unknown error occurred when fetching the script.',
      );
    };
    installGlobals(container);
    const { startPwa, usePwaStore } = await load();
    startPwa();
    await flush();
    expect(usePwaStore.getState().offline).toEqual({ kind: 'ready' });
  });
});
