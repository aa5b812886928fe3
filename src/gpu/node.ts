/**
 * WebGPU in Node through Dawn (npm package `webgpu`). Unless VK_ICD_FILENAMES is set, picks the
 * Vulkan driver: WEBFOLD_VULKAN_DRIVER (lavapipe | swiftshader) if given; the loader's own choice on
 * a machine with a GPU; else a software driver Dawn accepts: Mesa 25 lavapipe unpacked by
 * scripts/install-system.sh (fast, has shader-f16), else the SwiftShader ICD shipped in Debian's
 * chromium package (what Chromium itself uses). Node-only: never import from the browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AcquireOptions, acquireDevice, type GpuContext } from './device.ts';
import { GpuError } from './errors.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const LAVAPIPE_ICD = `${process.env.WEBFOLD_LAVAPIPE_DIR ?? '/opt/webfold/lavapipe'}/lvp_icd.json`;

/** The software Vulkan drivers we know Dawn accepts, by the name WEBFOLD_VULKAN_DRIVER takes. */
export const KNOWN_DRIVERS: Record<string, string> = { lavapipe: LAVAPIPE_ICD, swiftshader: SWIFTSHADER_ICD };

export const DRIVER_HELP =
  'No WebGPU adapter in Node. Dawn needs libvulkan1 and a Vulkan driver it accepts (Debian 12 lavapipe ' +
  'is too old). Install one with `bash scripts/install-system.sh` (as root: apt-get install libvulkan1 ' +
  `chromium), or point VK_ICD_FILENAMES at a Vulkan ICD json (e.g. ${SWIFTSHADER_ICD}).`;

function configureDriver(): void {
  const env = process.env;
  if (!env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `webfold-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return;
  const wanted = env.WEBFOLD_VULKAN_DRIVER;
  if (wanted) {
    const icd = KNOWN_DRIVERS[wanted];
    if (!icd)
      throw new GpuError(`WEBFOLD_VULKAN_DRIVER=${wanted}: expected one of ${Object.keys(KNOWN_DRIVERS)}`);
    if (!existsSync(icd))
      throw new GpuError(`WEBFOLD_VULKAN_DRIVER=${wanted}: ${icd} is missing. ${DRIVER_HELP}`);
    env.VK_ICD_FILENAMES = icd;
    return;
  }
  // A machine with a GPU keeps the Vulkan loader's own choice of drivers.
  if (HARDWARE_GPU_NODES.some((f) => existsSync(f))) return;
  const icd = [LAVAPIPE_ICD, SWIFTSHADER_ICD].find((f) => existsSync(f));
  if (icd) env.VK_ICD_FILENAMES = icd;
}

/** Device nodes whose presence means a hardware GPU (NVIDIA's driver, or any DRM render node). */
const HARDWARE_GPU_NODES = ['/dev/nvidia0', '/dev/dri/renderD128'];

let gpuPromise: Promise<GPU> | undefined;

/** The Node `GPU` object (navigator.gpu's equivalent), with WebGPU globals installed. */
export function nodeGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    configureDriver();
    const webgpu = await import('webgpu').catch((err: Error) => {
      throw new GpuError(`cannot load the npm package 'webgpu' (Dawn): ${err.message}`);
    });
    Object.assign(globalThis, webgpu.globals);
    return webgpu.create([]) as GPU;
  })();
  return gpuPromise;
}

/** A device on the best adapter Node can see; throws with install instructions if there is none. */
export async function acquireNodeDevice(opts: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = await nodeGpu();
  try {
    return await acquireDevice(gpu, opts);
  } catch (err) {
    if (err instanceof GpuError && err.message.startsWith('no WebGPU adapter'))
      throw new GpuError(DRIVER_HELP);
    throw err;
  }
}
