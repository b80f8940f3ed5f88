'use strict';
/**
 * Hosts the Dawn WebGPU device on a worker thread. dawn.node only settles `mapAsync` when its thread
 * returns to the event loop, but tfjs reads tensors synchronously (`dataSync`, and the loss's assigner
 * reads the feature maps in the middle of the gradient tape). With the device here, the main thread can
 * block on a read (Atomics.wait) while this thread's loop finishes the mapping.
 *
 * Protocol (see device-connection.ts): the main thread posts batches of commands; a batch may end with one
 * synchronous request, answered on `reply` (read there with receiveMessageOnPort) and signalled through
 * `signal[0]`. Objects live in `objs` under ids chosen by the main thread; 1 is the device, 2 its queue.
 * Plain JavaScript, because worker threads start without the TypeScript loader.
 */
const { parentPort, workerData } = require('node:worker_threads');

const { dawnPath, flags, adapterOptions, signal: signalBuffer, reply } = workerData;
const signal = new Int32Array(signalBuffer);
const objs = new Map();
/** Errors since the last synchronous answer: validation errors arrive asynchronously from Dawn. */
let errors = [];
/** dawn.node frees its instance when the object from create() is collected, under its own pending work. */
let keepAlive = [];

function decode(v) {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v.__r === 'number') {
    const o = objs.get(v.__r);
    if (o === undefined) throw new Error(`webgpu worker: object ${v.__r} is unknown (released too early?)`);
    return o;
  }
  const out = {};
  for (const k of Object.keys(v)) out[k] = decode(v[k]);
  return out;
}

function answer(msg, transfer) {
  reply.postMessage({ ...msg, errors }, transfer ?? []);
  errors = [];
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

const trace = process.env.TACO_WEBGPU_TRACE ? require('node:fs').openSync(process.env.TACO_WEBGPU_TRACE, 'w') : undefined;

function run(cmd) {
  if (trace !== undefined) require('node:fs').writeSync(trace, `${JSON.stringify(cmd, (k, v) => (ArrayBuffer.isView(v) ? `<${v.byteLength} bytes>` : v)).slice(0, 400)}\n`);
  switch (cmd[0]) {
    case 'new': {
      const [, id, target, method, args] = cmd;
      objs.set(id, objs.get(target)[method](...decode(args)));
      return;
    }
    case 'call': {
      const [, target, method, args] = cmd;
      objs.get(target)[method](...decode(args));
      return;
    }
    case 'release':
      objs.delete(cmd[1]);
      return;
    case 'fill': {
      // the main thread filled a buffer created with mappedAtCreation
      const [, id, data] = cmd;
      const buf = objs.get(id);
      new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data));
      buf.unmap();
      return;
    }
    default:
      throw new Error(`webgpu worker: unknown command ${cmd[0]}`);
  }
}

async function readBuffer(id, size) {
  const device = objs.get(1);
  const src = objs.get(id);
  if (src.usage & 0x0001) {
    // already a MAP_READ staging buffer (tfjs' own async read path)
    await src.mapAsync(0x0001);
    const data = src.getMappedRange(0, size).slice(0);
    src.unmap();
    return data;
  }
  // GPUBufferUsage.MAP_READ | COPY_DST
  const staging = device.createBuffer({ size, usage: 0x0001 | 0x0008 });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(0x0001);
  const data = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return data;
}

async function init() {
  const { create, globals } = require(dawnPath);
  Object.assign(globalThis, globals);
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new Error(`no WebGPU adapter for ${JSON.stringify({ flags, adapterOptions })}`);
  const limits = {};
  for (const k in adapter.limits) if (typeof adapter.limits[k] === 'number') limits[k] = adapter.limits[k];
  // Compatibility mode starts devices at lower default limits: ask for everything the adapter has.
  const device = await adapter.requestDevice({ requiredLimits: limits });
  device.onuncapturederror = (e) => errors.push(String((e && e.error && e.error.message) || e));
  device.lost.then((info) => errors.push(`device lost: ${info.message || info.reason}`));
  keepAlive = [gpu, adapter, device];
  objs.set(1, device);
  objs.set(2, device.queue);
  const i = adapter.info;
  const devLimits = {};
  for (const k in device.limits) if (typeof device.limits[k] === 'number') devLimits[k] = device.limits[k];
  return {
    info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description },
    limits: devLimits,
    features: [...device.features],
  };
}

parentPort.on('message', async (msg) => {
  for (const cmd of msg.cmds ?? []) {
    try {
      run(cmd);
    } catch (e) {
      errors.push(`${cmd[0]} ${cmd[2] ?? ''}: ${e && e.message ? e.message : e}`);
    }
  }
  const req = msg.sync;
  if (!req) return;
  try {
    if (req.op === 'init') answer({ ok: true, value: await init() });
    else if (req.op === 'read') {
      const data = await readBuffer(req.id, req.size);
      answer({ ok: true, value: data }, [data]);
    } else if (req.op === 'flush') {
      await objs.get(2).onSubmittedWorkDone();
      answer({ ok: true });
    } else answer({ ok: false, error: `unknown request ${req.op}` });
  } catch (e) {
    answer({ ok: false, error: String(e && e.message ? e.message : e) });
  }
});
