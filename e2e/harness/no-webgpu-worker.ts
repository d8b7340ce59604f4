// A tensorlane worker in which WebGPU does not exist, as in a browser without it. Also the documented way to build
// your own worker: import 'tensorlane/worker' after whatever must run first.
import './remove-webgpu.ts';
import 'tensorlane/worker';
