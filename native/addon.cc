// Node-API bindings. Every buffer is a Float32Array owned by JavaScript; sizes are checked against
// the geometry before any native code touches them, so a wrong call throws instead of corrupting memory.
#include <napi.h>
#include <omp.h>

#include <string>
#include <vector>

#include "taco_native.h"

namespace {

using taco::ConvGeom;

float* f32(const Napi::Value& v, size_t expect, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  auto a = v.As<Napi::Float32Array>();
  if (expect != size_t(-1) && a.ElementLength() != expect)
    throw Napi::RangeError::New(v.Env(), std::string(what) + ": expected " + std::to_string(expect) + " floats, got " +
                                             std::to_string(a.ElementLength()));
  return a.Data();
}

float* f32OrNull(const Napi::Value& v, size_t expect, const char* what) {
  return v.IsNull() || v.IsUndefined() ? nullptr : f32(v, expect, what);
}

ConvGeom geomOf(const Napi::Value& v) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), "geometry must be an array of 17 integers");
  auto a = v.As<Napi::Array>();
  if (a.Length() != 17) throw Napi::TypeError::New(v.Env(), "geometry must have 17 entries");
  int64_t g[17];
  for (uint32_t i = 0; i < 17; i++) g[i] = a.Get(i).As<Napi::Number>().Int64Value();
  ConvGeom r{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15], g[16]};
  for (int i = 0; i < 17; i++)
    if (g[i] < 0 || (i < 13 && g[i] == 0)) throw Napi::RangeError::New(v.Env(), "geometry has a non-positive size");
  // oneDNN's own shape check (dst size from src, kernel, stride, dilation and pads).
  const int64_t eh = (r.h + r.pt + r.pb - ((r.kh - 1) * r.dh + 1)) / r.sh + 1;
  const int64_t ew = (r.w + r.pl + r.pr - ((r.kw - 1) * r.dw + 1)) / r.sw + 1;
  if (eh != r.ho || ew != r.wo) throw Napi::RangeError::New(v.Env(), "geometry: output size does not match the convolution");
  return r;
}

size_t srcSize(const ConvGeom& g) { return size_t(g.n * g.h * g.w * g.ci); }
size_t dstSize(const ConvGeom& g) { return size_t(g.n * g.ho * g.wo * g.co); }
size_t weiSize(const ConvGeom& g) { return size_t(g.kh * g.kw * g.ci * g.co); }

template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, F f) {
  try {
    f();
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  ConvGeom g = geomOf(info[0]);
  const float* x = f32(info[1], srcSize(g), "x");
  const float* w = f32(info[2], weiSize(g), "w");
  const float* b = f32OrNull(info[3], size_t(g.co), "bias");
  int act = info[4].As<Napi::Number>().Int32Value();
  bool training = info[5].As<Napi::Boolean>().Value();
  float* y = f32(info[6], dstSize(g), "y");
  return guarded(info, [&] { taco::convForward(g, x, w, b, act, training, y); });
}

Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  ConvGeom g = geomOf(info[0]);
  const float* dy = f32(info[1], dstSize(g), "dy");
  const float* w = f32(info[2], weiSize(g), "w");
  float* dx = f32(info[3], srcSize(g), "dx");
  return guarded(info, [&] { taco::convBackwardData(g, dy, w, dx); });
}

Napi::Value ConvBackwardWeights(const Napi::CallbackInfo& info) {
  ConvGeom g = geomOf(info[0]);
  const float* x = f32(info[1], srcSize(g), "x");
  const float* dy = f32(info[2], dstSize(g), "dy");
  float* dw = f32(info[3], weiSize(g), "dw");
  float* db = f32OrNull(info[4], size_t(g.co), "db");
  return guarded(info, [&] { taco::convBackwardWeights(g, x, dy, dw, db); });
}

Napi::Value BnActForwardTrain(const Napi::CallbackInfo& info) {
  int64_t m = info[0].As<Napi::Number>().Int64Value(), c = info[1].As<Napi::Number>().Int64Value();
  if (m <= 0 || c <= 0) throw Napi::RangeError::New(info.Env(), "bnActForwardTrain: bad size");
  size_t mc = size_t(m * c);
  const float* z = f32(info[2], mc, "z");
  const float* gamma = f32(info[3], size_t(c), "gamma");
  const float* beta = f32(info[4], size_t(c), "beta");
  float eps = info[5].As<Napi::Number>().FloatValue();
  int act = info[6].As<Napi::Number>().Int32Value();
  float* y = f32(info[7], mc, "y");
  float* mean = f32(info[8], size_t(c), "mean");
  float* var = f32(info[9], size_t(c), "var");
  float* invstd = f32(info[10], size_t(c), "invstd");
  taco::bnActForwardTrain(m, c, z, gamma, beta, eps, act, y, mean, var, invstd);
  return info.Env().Undefined();
}

Napi::Value BnActBackward(const Napi::CallbackInfo& info) {
  int64_t m = info[0].As<Napi::Number>().Int64Value(), c = info[1].As<Napi::Number>().Int64Value();
  if (m <= 0 || c <= 0) throw Napi::RangeError::New(info.Env(), "bnActBackward: bad size");
  size_t mc = size_t(m * c);
  const float* dy = f32(info[2], mc, "dy");
  const float* z = f32(info[3], mc, "z");
  const float* gamma = f32(info[4], size_t(c), "gamma");
  const float* beta = f32(info[5], size_t(c), "beta");
  const float* mean = f32(info[6], size_t(c), "mean");
  const float* invstd = f32(info[7], size_t(c), "invstd");
  int act = info[8].As<Napi::Number>().Int32Value();
  float* dz = f32(info[9], mc, "dz");
  float* dgamma = f32(info[10], size_t(c), "dgamma");
  float* dbeta = f32(info[11], size_t(c), "dbeta");
  taco::bnActBackward(m, c, dy, z, gamma, beta, mean, invstd, act, dz, dgamma, dbeta);
  return info.Env().Undefined();
}

// Channel counts of parts [m, c_i] from their lengths.
std::vector<int64_t> partChannels(const Napi::Env& env, const Napi::Array& parts, int64_t m, std::vector<float*>& ptrs) {
  std::vector<int64_t> cs;
  for (uint32_t i = 0; i < parts.Length(); i++) {
    float* p = f32(parts.Get(i), size_t(-1), "part");
    size_t len = parts.Get(i).As<Napi::Float32Array>().ElementLength();
    if (len % size_t(m) != 0 || len == 0) throw Napi::RangeError::New(env, "part length is not a multiple of the row count");
    cs.push_back(int64_t(len / size_t(m)));
    ptrs.push_back(p);
  }
  return cs;
}

Napi::Value ConcatChannels(const Napi::CallbackInfo& info) {
  int64_t m = info[0].As<Napi::Number>().Int64Value();
  if (m <= 0 || !info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "concatChannels(m, parts[], out)");
  std::vector<float*> ptrs;
  auto cs = partChannels(info.Env(), info[1].As<Napi::Array>(), m, ptrs);
  int64_t total = 0;
  for (auto c : cs) total += c;
  float* out = f32(info[2], size_t(m * total), "out");
  std::vector<const float*> cptrs(ptrs.begin(), ptrs.end());
  taco::concatChannels(m, int(cs.size()), cptrs.data(), cs.data(), out);
  return info.Env().Undefined();
}

Napi::Value SplitChannels(const Napi::CallbackInfo& info) {
  int64_t m = info[0].As<Napi::Number>().Int64Value();
  if (m <= 0 || !info[2].IsArray()) throw Napi::TypeError::New(info.Env(), "splitChannels(m, x, outs[])");
  std::vector<float*> ptrs;
  auto cs = partChannels(info.Env(), info[2].As<Napi::Array>(), m, ptrs);
  int64_t total = 0;
  for (auto c : cs) total += c;
  const float* x = f32(info[1], size_t(m * total), "x");
  taco::splitChannels(m, int(cs.size()), x, cs.data(), ptrs.data());
  return info.Env().Undefined();
}

Napi::Value AddInto(const Napi::CallbackInfo& info) {
  float* a = f32(info[0], size_t(-1), "a");
  size_t n = info[0].As<Napi::Float32Array>().ElementLength();
  float* b = f32(info[1], n, "b");
  float* out = f32(info[2], n, "out");
  taco::addInto(int64_t(n), a, b, out);
  return info.Env().Undefined();
}

std::vector<int64_t> ints(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of integers");
  auto a = v.As<Napi::Array>();
  std::vector<int64_t> r(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) r[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return r;
}

int64_t prod(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (auto x : v) p *= x;
  return p;
}

// Largest element offset + 1 reachable with these strides (the buffer must be at least that long).
size_t extent(const std::vector<int64_t>& shape, const std::vector<int64_t>& st) {
  int64_t e = 0;
  for (size_t d = 0; d < shape.size(); d++) e += (shape[d] - 1) * st[d];
  return size_t(e + 1);
}

Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  int op = info[0].As<Napi::Number>().Int32Value();
  auto shape = ints(info[1], "shape"), sa = ints(info[2], "aStrides"), sb = ints(info[3], "bStrides");
  if (op < 0 || op > 6) throw Napi::RangeError::New(env, "binaryOp: unknown op");
  if (shape.empty() || sa.size() != shape.size() || sb.size() != shape.size()) throw Napi::RangeError::New(env, "binaryOp: rank mismatch");
  for (size_t d = 0; d < shape.size(); d++)
    if (shape[d] <= 0 || sa[d] < 0 || sb[d] < 0) throw Napi::RangeError::New(env, "binaryOp: bad shape or strides");
  const float* a = f32(info[4], size_t(-1), "a");
  const float* b = f32(info[5], size_t(-1), "b");
  float* out = f32(info[6], size_t(prod(shape)), "out");
  if (info[4].As<Napi::Float32Array>().ElementLength() < extent(shape, sa) || info[5].As<Napi::Float32Array>().ElementLength() < extent(shape, sb))
    throw Napi::RangeError::New(env, "binaryOp: an input is shorter than its strides reach");
  taco::binaryOp(op, int(shape.size()), shape.data(), sa.data(), sb.data(), a, b, out);
  return env.Undefined();
}

Napi::Value SumMiddle(const Napi::CallbackInfo& info) {
  int64_t o = info[0].As<Napi::Number>().Int64Value(), m = info[1].As<Napi::Number>().Int64Value(), i = info[2].As<Napi::Number>().Int64Value();
  if (o <= 0 || m <= 0 || i <= 0) throw Napi::RangeError::New(info.Env(), "sumMiddle: bad size");
  const float* x = f32(info[3], size_t(o * m * i), "x");
  float* out = f32(info[4], size_t(o * i), "out");
  taco::sumMiddle(o, m, i, x, out);
  return info.Env().Undefined();
}

Napi::Value SliceCopy(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  auto shape = ints(info[0], "shape"), begin = ints(info[1], "begin"), size = ints(info[2], "size");
  if (shape.empty() || begin.size() != shape.size() || size.size() != shape.size()) throw Napi::RangeError::New(env, "slice: rank mismatch");
  for (size_t d = 0; d < shape.size(); d++)
    if (begin[d] < 0 || size[d] <= 0 || begin[d] + size[d] > shape[d]) throw Napi::RangeError::New(env, "slice: out of bounds");
  const float* x = f32(info[3], size_t(prod(shape)), "x");
  float* out = f32(info[4], size_t(prod(size)), "out");
  taco::sliceCopy(int(shape.size()), shape.data(), begin.data(), size.data(), x, out);
  return env.Undefined();
}

void nhwc(const Napi::CallbackInfo& info, int64_t* d) {
  for (int i = 0; i < 4; i++) {
    d[i] = info[i].As<Napi::Number>().Int64Value();
    if (d[i] <= 0) throw Napi::RangeError::New(info.Env(), "bad NHWC size");
  }
}

int32_t* i32(const Napi::Value& v, size_t expect, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an Int32Array");
  auto a = v.As<Napi::Int32Array>();
  if (a.ElementLength() != expect) throw Napi::RangeError::New(v.Env(), std::string(what) + ": wrong length");
  return a.Data();
}

Napi::Value MaxPoolSame(const Napi::CallbackInfo& info) {
  int64_t d[4];
  nhwc(info, d);
  int k = info[4].As<Napi::Number>().Int32Value();
  if (k < 1 || k % 2 == 0) throw Napi::RangeError::New(info.Env(), "maxPoolSame: k must be odd");
  const size_t len = size_t(d[0] * d[1] * d[2] * d[3]);
  if (d[0] * d[1] * d[2] >= (int64_t(1) << 31)) throw Napi::RangeError::New(info.Env(), "maxPoolSame: too many pixels");
  taco::maxPoolSame(d[0], d[1], d[2], d[3], k, f32(info[5], len, "x"), f32(info[6], len, "y"), i32(info[7], len, "arg"));
  return info.Env().Undefined();
}

Napi::Value MaxPoolSameBackward(const Napi::CallbackInfo& info) {
  int64_t d[4];
  nhwc(info, d);
  const size_t len = size_t(d[0] * d[1] * d[2] * d[3]);
  const int32_t* arg = i32(info[5], len, "arg");
  const int64_t pixels = d[0] * d[1] * d[2];
  for (size_t i = 0; i < len; i++)
    if (arg[i] < 0 || arg[i] >= pixels) throw Napi::RangeError::New(info.Env(), "maxPoolSameBackward: arg out of range");
  taco::maxPoolSameBackward(d[0], d[1], d[2], d[3], f32(info[4], len, "dy"), arg, f32(info[6], len, "dx"));
  return info.Env().Undefined();
}

Napi::Value Upsample2x(const Napi::CallbackInfo& info) {
  int64_t d[4];
  nhwc(info, d);
  const size_t len = size_t(d[0] * d[1] * d[2] * d[3]);
  taco::upsample2x(d[0], d[1], d[2], d[3], f32(info[4], len, "x"), f32(info[5], 4 * len, "y"));
  return info.Env().Undefined();
}

Napi::Value Upsample2xBackward(const Napi::CallbackInfo& info) {
  int64_t d[4];
  nhwc(info, d);
  const size_t len = size_t(d[0] * d[1] * d[2] * d[3]);
  taco::upsample2xBackward(d[0], d[1], d[2], d[3], f32(info[4], 4 * len, "dy"), f32(info[5], len, "dx"));
  return info.Env().Undefined();
}

// C[b] = op(A[b]) x op(B[b]), row-major, through oneDNN's sgemm; a batch of 1 broadcasts.
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  int64_t ba = info[0].As<Napi::Number>().Int64Value(), bb = info[1].As<Napi::Number>().Int64Value();
  int64_t m = info[2].As<Napi::Number>().Int64Value(), n = info[3].As<Napi::Number>().Int64Value(), k = info[4].As<Napi::Number>().Int64Value();
  bool ta = info[5].As<Napi::Boolean>().Value(), tb = info[6].As<Napi::Boolean>().Value();
  if (ba <= 0 || bb <= 0 || m <= 0 || n <= 0 || k <= 0 || (ba != bb && ba != 1 && bb != 1)) throw Napi::RangeError::New(env, "matmul: bad sizes");
  const int64_t batch = ba > bb ? ba : bb;
  const float* a = f32(info[7], size_t(ba * m * k), "a");
  const float* b = f32(info[8], size_t(bb * k * n), "b");
  float* c = f32(info[9], size_t(batch * m * n), "c");
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (ba == 1 ? 0 : i * m * k);
    const float* bi = b + (bb == 1 ? 0 : i * k * n);
    dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, ai, ta ? m : k, bi, tb ? k : n, 0.f, c + i * m * n, n);
    if (st != dnnl_success) throw Napi::Error::New(env, "oneDNN sgemm failed");
  }
  return env.Undefined();
}

Napi::Value ConvBackward(const Napi::CallbackInfo& info) {
  ConvGeom g = geomOf(info[0]);
  const float* x = f32(info[1], srcSize(g), "x");
  const float* dy = f32(info[2], dstSize(g), "dy");
  const float* w = f32(info[3], weiSize(g), "w");
  float* dx = f32(info[4], srcSize(g), "dx");
  float* dw = f32(info[5], weiSize(g), "dw");
  float* db = f32OrNull(info[6], size_t(g.co), "db");
  return guarded(info, [&] { taco::convBackward(g, x, dy, w, dx, dw, db); });
}

Napi::Value ConvImpl(const Napi::CallbackInfo& info) {
  ConvGeom g = geomOf(info[0]);
  std::string pass = info[1].As<Napi::String>().Utf8Value();
  if (pass != "f" && pass != "d" && pass != "w") throw Napi::RangeError::New(info.Env(), "convImpl: pass must be 'f', 'd' or 'w'");
  std::string name;
  guarded(info, [&] { name = taco::convImpl(g, pass[0]); });
  return Napi::String::New(info.Env(), name);
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  const dnnl_version_t* v = dnnl_version();
  o.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  o.Set("threads", omp_get_max_threads());
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  omp_set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// optimizerStep(kind, p, g, m, v, hyper): kind 0 SGD, 1 Adam, 2 AdamW; p, m (and v for Adam) are
// updated in place. hyper: SGD [lr, momentum, wd, first]; Adam/AdamW see taco::AdamHyper (kind only names it).
Napi::Value OptimizerStep(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int kind = info[0].As<Napi::Number>().Int32Value();
  if (kind < 0 || kind > 2) throw Napi::RangeError::New(env, "optimizerStep: unknown optimizer kind");
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(env, "optimizerStep: p must be a Float32Array");
  const size_t n = info[1].As<Napi::TypedArray>().ElementLength();
  float* p = f32(info[1], n, "p");
  const float* g = f32(info[2], n, "g");
  float* m = f32(info[3], n, "m");
  if (!info[5].IsArray()) throw Napi::TypeError::New(env, "optimizerStep: hyper must be an array of numbers");
  auto ha = info[5].As<Napi::Array>();
  std::vector<double> h(ha.Length());
  for (uint32_t i = 0; i < ha.Length(); i++) h[i] = ha.Get(i).As<Napi::Number>().DoubleValue();
  if (kind == 0) {
    if (h.size() != 4) throw Napi::RangeError::New(env, "optimizerStep: SGD takes [lr, momentum, wd, first]");
    taco::sgdStep(int64_t(n), p, g, m, float(h[0]), float(h[1]), float(h[2]), h[3] != 0);
  } else {
    if (h.size() != 9) throw Napi::RangeError::New(env, "optimizerStep: Adam takes [beta1, 1-beta1, beta2, 1-beta2, eps, l2, keep, sqrtBc2, stepSize]");
    float* v = f32(info[4], n, "v");
    const taco::AdamHyper hp{float(h[0]), float(h[1]), float(h[2]), float(h[3]), float(h[4]), float(h[5]), float(h[6]), float(h[7]), float(h[8])};
    taco::adamStep(int64_t(n), p, g, m, v, hp);
  }
  return env.Undefined();
}

// alignPad(buffer): bytes from the start of an ArrayBuffer's memory to its first 64-byte boundary.
// JavaScript allocates (so V8 frees the memory as soon as the array is collected, with no finalizer to
// wait for) and views the aligned part: oneDNN's AVX-512 kernels and the loops here load whole cache
// lines, and malloc's 16-byte alignment splits every such load in two.
Napi::Value AlignPad(const Napi::CallbackInfo& info) {
  if (!info[0].IsArrayBuffer()) throw Napi::TypeError::New(info.Env(), "alignPad: expected an ArrayBuffer");
  const auto addr = reinterpret_cast<uintptr_t>(info[0].As<Napi::ArrayBuffer>().Data());
  return Napi::Number::New(info.Env(), double((64 - addr % 64) % 64));
}

// emaUpdate(e, v, d): e = d*e + (1-d)*v in place (ultralytics' ModelEMA, one pass per tensor).
Napi::Value EmaUpdate(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "emaUpdate: e must be a Float32Array");
  const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float* e = f32(info[0], n, "e");
  const float* v = f32(info[1], n, "v");
  taco::emaUpdate(int64_t(n), e, v, info[2].As<Napi::Number>().FloatValue());
  return info.Env().Undefined();
}

// decodeAnchors(rows, no, regMax, nc, d, scores, ltrb)
Napi::Value DecodeAnchors(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value(), no = info[1].As<Napi::Number>().Int64Value();
  const int regMax = info[2].As<Napi::Number>().Int32Value(), nc = info[3].As<Napi::Number>().Int32Value();
  if (rows < 0 || regMax < 1 || nc < 0 || no != 4 * regMax + nc) throw Napi::RangeError::New(info.Env(), "decodeAnchors: bad sizes");
  const float* d = f32(info[4], size_t(rows * no), "d");
  float* scores = f32(info[5], size_t(rows * nc), "scores");
  float* ltrb = f32(info[6], size_t(rows * 4), "ltrb");
  taco::decodeAnchors(rows, no, regMax, nc, d, scores, ltrb);
  return info.Env().Undefined();
}

// clsBce(rows, no, off, nc, d, label, score, k, grad|null) -> sum
Napi::Value ClsBce(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value(), no = info[1].As<Napi::Number>().Int64Value();
  const int64_t off = info[2].As<Napi::Number>().Int64Value();
  const int nc = info[3].As<Napi::Number>().Int32Value();
  if (rows < 0 || nc < 0 || off < 0 || off + nc > no) throw Napi::RangeError::New(info.Env(), "clsBce: bad sizes");
  const float* d = f32(info[4], size_t(rows * no), "d");
  const int32_t* label = i32(info[5], size_t(rows), "label");
  const float* score = f32(info[6], size_t(rows), "score");
  for (int64_t r = 0; r < rows; r++)
    if (label[r] >= nc) throw Napi::RangeError::New(info.Env(), "clsBce: label out of range");
  float* grad = f32OrNull(info[8], size_t(rows * no), "grad");
  const double s = taco::clsBce(rows, no, off, nc, d, label, score, info[7].As<Napi::Number>().FloatValue(), grad);
  return Napi::Number::New(info.Env(), s);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeAnchors", Napi::Function::New(env, DecodeAnchors));
  exports.Set("clsBce", Napi::Function::New(env, ClsBce));
  exports.Set("emaUpdate", Napi::Function::New(env, EmaUpdate));
  exports.Set("alignPad", Napi::Function::New(env, AlignPad));
  exports.Set("optimizerStep", Napi::Function::New(env, OptimizerStep));
  exports.Set("convForward", Napi::Function::New(env, ConvForward));
  exports.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData));
  exports.Set("convBackwardWeights", Napi::Function::New(env, ConvBackwardWeights));
  exports.Set("convImpl", Napi::Function::New(env, ConvImpl));
  exports.Set("convBackward", Napi::Function::New(env, ConvBackward));
  exports.Set("bnActForwardTrain", Napi::Function::New(env, BnActForwardTrain));
  exports.Set("bnActBackward", Napi::Function::New(env, BnActBackward));
  exports.Set("concatChannels", Napi::Function::New(env, ConcatChannels));
  exports.Set("splitChannels", Napi::Function::New(env, SplitChannels));
  exports.Set("addInto", Napi::Function::New(env, AddInto));
  exports.Set("binaryOp", Napi::Function::New(env, BinaryOp));
  exports.Set("sumMiddle", Napi::Function::New(env, SumMiddle));
  exports.Set("sliceCopy", Napi::Function::New(env, SliceCopy));
  exports.Set("maxPoolSame", Napi::Function::New(env, MaxPoolSame));
  exports.Set("maxPoolSameBackward", Napi::Function::New(env, MaxPoolSameBackward));
  exports.Set("upsample2x", Napi::Function::New(env, Upsample2x));
  exports.Set("upsample2xBackward", Napi::Function::New(env, Upsample2xBackward));
  exports.Set("matmul", Napi::Function::New(env, Matmul));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  return exports;
}

}  // namespace

NODE_API_MODULE(taco_native, Init)
