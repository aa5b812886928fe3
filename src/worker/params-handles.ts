/**
 * Parameter sets as engine handles, in any worker of the app: the shipped demo set (fetched from
 * the app's own files) or a stored set read from OPFS by its id. One handle per set is kept while
 * it is the last one used (engines cache uploaded weights on handle identity).
 */
import type { ParamsHandle } from '../model/engine.ts';
import { DEMO_PARAMS_FILE, DEMO_PARAMS_ID } from './fold-api.ts';
import { demoParams, storedParamsHandle } from './fold-core.ts';

/** Where the demo parameters are served from, seen from a worker of this app. */
export const demoParamsUrl = (): string =>
  new URL(`${import.meta.env.BASE_URL}demo/${DEMO_PARAMS_FILE}`, self.location.origin).href;

export function paramsHandles(demoUrl: string = demoParamsUrl()) {
  let demo: ReturnType<typeof demoParams> | undefined;
  let cached: { id: string; handle: ParamsHandle } | undefined;

  const getDemo = () => {
    if (!demo) {
      demo = demoParams(demoUrl);
      demo.catch(() => {
        demo = undefined;
      });
    }
    return demo;
  };

  return {
    getDemo,
    async handleFor(id: string): Promise<ParamsHandle> {
      if (cached?.id === id) return cached.handle;
      cached = undefined;
      const handle =
        id === DEMO_PARAMS_ID
          ? { name: 'demo_untrained', arrays: (await getDemo()).arrays }
          : await storedParamsHandle(id);
      cached = { id, handle };
      return handle;
    },
    /** Forget the handle of `id` (the set was removed). */
    forget(id: string): void {
      if (cached?.id === id) cached = undefined;
    },
  };
}
