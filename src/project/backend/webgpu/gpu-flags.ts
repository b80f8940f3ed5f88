/**
 * WebGPU's flag values, fixed by the spec. Node has no GPUBufferUsage & co. globals, and tfjs-backend-webgpu
 * reads them from there (register.ts installs these), so they are written out here.
 */
export const GPUBufferUsage = { MAP_READ: 0x1, MAP_WRITE: 0x2, COPY_SRC: 0x4, COPY_DST: 0x8, INDEX: 0x10, VERTEX: 0x20, UNIFORM: 0x40, STORAGE: 0x80, INDIRECT: 0x100, QUERY_RESOLVE: 0x200 };
export const GPUMapMode = { READ: 0x1, WRITE: 0x2 };
export const GPUTextureUsage = { COPY_SRC: 0x1, COPY_DST: 0x2, TEXTURE_BINDING: 0x4, STORAGE_BINDING: 0x8, RENDER_ATTACHMENT: 0x10 };
export const GPUShaderStage = { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 };
