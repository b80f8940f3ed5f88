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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("convForward", Napi::Function::New(env, ConvForward));
  exports.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData));
  exports.Set("convBackwardWeights", Napi::Function::New(env, ConvBackwardWeights));
  exports.Set("bnActForwardTrain", Napi::Function::New(env, BnActForwardTrain));
  exports.Set("bnActBackward", Napi::Function::New(env, BnActBackward));
  exports.Set("concatChannels", Napi::Function::New(env, ConcatChannels));
  exports.Set("splitChannels", Napi::Function::New(env, SplitChannels));
  exports.Set("addInto", Napi::Function::New(env, AddInto));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  return exports;
}

}  // namespace

NODE_API_MODULE(taco_native, Init)
