// Launch presets: the Chromium flags that give a page a WebGPU adapter, per platform and per kind of adapter, each
// with the reason it is there. The README's platform table is checked against WEBGPU_FLAGS by a test.
import type { WebGpuPolicy } from './policy.js';

/**
 * The adapter a project asks for: a real GPU (`'hardware'`), SwiftShader, Chrome's software adapter, even where a
 * GPU exists (`'software'`), or whatever Chrome offers (`'any'`: the GPU where there is one, else SwiftShader).
 * @example
 * ```ts
 * import { webgpu, type AdapterChoice } from '@tensorlane/playwright';
 *
 * const adapter: AdapterChoice = process.env.CI ? 'software' : 'any';
 * const use = webgpu({ adapter });
 * ```
 */
export type AdapterChoice = 'hardware' | 'software' | 'any';

/** The platforms with a row in the flag table; others take Linux's. */
export type Platform = 'linux' | 'darwin' | 'win32';

/**
 * A Chromium command-line flag and why the preset passes it.
 * @example
 * ```ts
 * import { WEBGPU_FLAGS } from '@tensorlane/playwright';
 *
 * for (const { flag, why } of WEBGPU_FLAGS.linux.software) console.log(flag, '-', why);
 * ```
 */
export interface WebGpuFlag {
  /** The flag as passed, e.g. `'--enable-unsafe-webgpu'`. */
  readonly flag: string;
  /** Why it is there, in one line. */
  readonly why: string;
}

/** The flag that turns WebGPU on in Chromium on Linux and lifts the adapter blocklist; every preset passes it. */
export const UNSAFE_WEBGPU: WebGpuFlag = {
  flag: '--enable-unsafe-webgpu',
  why: 'turns WebGPU on where Chrome ships it off (Linux) and lifts its adapter blocklist; without it, headless Chromium on Linux offers navigator.gpu but requestAdapter() returns null',
};
/** The flag that asks for SwiftShader, Chrome's software adapter; the `'software'` presets pass it. */
export const SWIFTSHADER: WebGpuFlag = {
  flag: '--use-webgpu-adapter=swiftshader',
  why: 'offers SwiftShader, the CPU adapter bundled with Chrome, even where a GPU exists: the same adapter and numbers on every CI machine',
};
const VULKAN: WebGpuFlag = {
  flag: '--enable-features=Vulkan',
  why: "Dawn (Chrome's WebGPU) runs on Vulkan on Linux, which Chrome leaves off by default",
};
const ANGLE_VULKAN: WebGpuFlag = {
  flag: '--use-angle=vulkan',
  why: 'puts ANGLE (WebGL, compositing) on Vulkan as well, so that the GPU process drives the GPU through one API',
};
const NO_VULKAN_SURFACE: WebGpuFlag = {
  flag: '--disable-vulkan-surface',
  why: 'headless has no window: presents by copying instead of creating a Vulkan swapchain, which headless drivers may refuse',
};

/**
 * The flags {@link webgpu} passes, by platform and adapter choice. Linux rows for `'software'` and `'any'` are
 * verified by this package's tests (headless Chromium, no GPU); the others follow Chrome's documentation.
 * @example
 * ```ts
 * import { WEBGPU_FLAGS } from '@tensorlane/playwright';
 *
 * const args = WEBGPU_FLAGS.win32.hardware.map((f) => f.flag); // ['--enable-unsafe-webgpu']
 * ```
 */
export const WEBGPU_FLAGS: Readonly<Record<Platform, Readonly<Record<AdapterChoice, readonly WebGpuFlag[]>>>> = {
  linux: {
    hardware: [UNSAFE_WEBGPU, VULKAN, ANGLE_VULKAN, NO_VULKAN_SURFACE],
    software: [UNSAFE_WEBGPU, SWIFTSHADER],
    any: [UNSAFE_WEBGPU, VULKAN, ANGLE_VULKAN, NO_VULKAN_SURFACE],
  },
  // WebGPU is on by default on macOS (Metal) and Windows (D3D12); the flag lifts the blocklist. Dawn has no
  // SwiftShader backend on macOS, so 'software' gets no adapter there and the gpu fixture says so.
  darwin: { hardware: [UNSAFE_WEBGPU], software: [UNSAFE_WEBGPU, SWIFTSHADER], any: [UNSAFE_WEBGPU] },
  win32: { hardware: [UNSAFE_WEBGPU], software: [UNSAFE_WEBGPU, SWIFTSHADER], any: [UNSAFE_WEBGPU] },
};

/**
 * Options of {@link webgpu}.
 * @example
 * ```ts
 * import { webgpu, type WebGpuOptions } from '@tensorlane/playwright';
 *
 * const options: WebGpuOptions = { adapter: 'hardware', channel: 'chrome' };
 * const use = webgpu(options);
 * ```
 */
export interface WebGpuOptions {
  /**
   * The adapter to ask Chrome for.
   * @defaultValue `'any'`
   */
  readonly adapter?: AdapterChoice;
  /**
   * The browser channel, e.g. `'chrome'`, `'chrome-beta'`, `'msedge'`. Ignored with `executablePath`.
   * @defaultValue `'chromium'`: Playwright's full Chromium in the new headless mode, which keeps WebGPU (the default
   * headless shell is a different build)
   */
  readonly channel?: string;
  /**
   * A Chrome or Chromium binary to launch instead of one Playwright installed (for machines where Playwright cannot
   * download browsers, e.g. a distribution's `chromium`).
   * @defaultValue the environment variable `TENSORLANE_CHROMIUM`, if set
   */
  readonly executablePath?: string;
  /** More flags, after the preset's. A flag of your own `--enable-features=` replaces the preset's: list `Vulkan` in it. */
  readonly args?: readonly string[];
  /**
   * The platform whose flags to use.
   * @defaultValue `process.platform` (Linux's flags on platforms without a row)
   */
  readonly platform?: Platform;
}

/**
 * The `use` block that {@link webgpu} returns: spread it into a project's `use`.
 * @example
 * ```ts
 * import { webgpu, type WebGpuUse } from '@tensorlane/playwright';
 *
 * const use: WebGpuUse = webgpu({ adapter: 'software' });
 * console.log(use.launchOptions.args);
 * ```
 */
export interface WebGpuUse {
  readonly browserName: 'chromium';
  readonly channel?: string;
  readonly launchOptions: { readonly args: string[]; readonly executablePath?: string };
  /** The policy that fits the adapter asked for: `'require-hardware'` for `'hardware'`, else `'allow-software'`. */
  readonly webgpuPolicy: WebGpuPolicy;
}

/** The environment variable {@link webgpu} takes the browser binary from when `executablePath` is not given. */
export const CHROMIUM_ENV = 'TENSORLANE_CHROMIUM';

function currentPlatform(): Platform {
  const platform = process.platform;
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}

/**
 * The launch preset for WebGPU tests: Chromium (or a Chrome channel) with the flags of {@link WEBGPU_FLAGS} for this
 * platform and adapter choice, in a headless mode that keeps WebGPU, and the matching `webgpuPolicy`.
 * @example
 * ```ts
 * // playwright.config.ts
 * import { defineConfig } from '@playwright/test';
 * import { webgpu } from '@tensorlane/playwright';
 *
 * export default defineConfig({
 *   projects: [{ name: 'webgpu', use: { ...webgpu({ adapter: process.env.CI ? 'software' : 'hardware' }) } }],
 * });
 * ```
 */
export function webgpu(options: WebGpuOptions = {}): WebGpuUse {
  const { adapter = 'any', channel = 'chromium', args = [], platform = currentPlatform() } = options;
  const executablePath = options.executablePath ?? (process.env[CHROMIUM_ENV] || undefined);
  const flags = WEBGPU_FLAGS[platform][adapter].map((f) => f.flag);
  const webgpuPolicy: WebGpuPolicy = adapter === 'hardware' ? 'require-hardware' : 'allow-software';
  const launchOptions = { args: [...flags, ...args], ...(executablePath !== undefined ? { executablePath } : {}) };
  return { browserName: 'chromium', ...(executablePath === undefined ? { channel } : {}), launchOptions, webgpuPolicy };
}
