// oneDNN convolutions on NHWC activations and HWIO kernels, with primitives cached per shape.
#include "taco_native.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>
#include <string>
#include <unordered_map>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace taco {

engine& cpuEngine() {
  static engine eng(engine::kind::cpu, 0);
  return eng;
}
stream& cpuStream() {
  static stream s(cpuEngine());
  return s;
}

namespace {

struct Dims {
  memory::dims src, wei, bias, dst, strides, dil, padL, padR;
};

Dims dimsOf(const ConvGeom& g) {
  // oneDNN describes tensors logically as NCHW / OIHW; the format tag gives the physical NHWC / HWIO.
  return {{g.n, g.ci, g.h, g.w}, {g.co, g.ci, g.kh, g.kw}, {g.co}, {g.n, g.co, g.ho, g.wo},
          {g.sh, g.sw}, {g.dh - 1, g.dw - 1}, {g.pt, g.pl}, {g.pb, g.pr}};
}

std::string keyOf(const char* kind, const ConvGeom& g, int extra) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s:%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%d", kind,
           (long long)g.n, (long long)g.h, (long long)g.w, (long long)g.ci, (long long)g.ho, (long long)g.wo, (long long)g.co,
           (long long)g.kh, (long long)g.kw, (long long)g.sh, (long long)g.sw, (long long)g.dh, (long long)g.dw, (long long)g.pt,
           (long long)g.pl, (long long)g.pb, (long long)g.pr, extra);
  return buf;
}

convolution_forward::primitive_desc fwdPd(const ConvGeom& g, bool bias, bool training, int act, bool wino = false) {
  Dims d = dimsOf(g);
  const tag act_tag = wino ? tag::any : tag::nhwc;
  memory::desc src(d.src, dt::f32, act_tag), dst(d.dst, dt::f32, act_tag), wei(d.wei, dt::f32, tag::any);
  memory::desc b(d.bias, dt::f32, tag::x);
  auto pk = training ? prop_kind::forward_training : prop_kind::forward_inference;
  const auto alg = wino ? algorithm::convolution_winograd : algorithm::convolution_direct;
  auto desc = bias ? convolution_forward::desc(pk, alg, src, wei, b, dst, d.strides, d.dil, d.padL, d.padR)
                   : convolution_forward::desc(pk, alg, src, wei, dst, d.strides, d.dil, d.padL, d.padR);
  primitive_attr attr;
  if (act) {
    post_ops po;
    po.append_eltwise(1.f, algorithm::eltwise_swish, 1.f, 0.f);
    attr.set_post_ops(po);
  }
  return convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

// Scratch for activations in a primitive's own layout, shared by every convolution: a call needs at most
// three at once (forward: input A, output C; backward-data: dy B, dx C; backward-weights: input A, dy B; and
// convBackward keeps B for both). One buffer per shape and pass instead held 1.7 GB more at yolov8s 640
// batch 16. Grown on demand, kept for the process.
enum Slot { kSlotA = 0, kSlotB = 1, kSlotC = 2, kOwn = -1 };
void* scratch(int slot, size_t bytes) {
  static void* bufs[3] = {nullptr, nullptr, nullptr};
  static size_t sizes[3] = {0, 0, 0};
  if (bytes > sizes[slot]) {
    const size_t rounded = (bytes + 63) / 64 * 64;  // cache-line aligned, as oneDNN prefers
    void* p = std::aligned_alloc(64, rounded);
    if (!p) throw std::bad_alloc();
    std::free(bufs[slot]);
    bufs[slot] = p;
    sizes[slot] = rounded;
  }
  return bufs[slot];
}

// A tensor (kernel or activation) in the layout a primitive prefers when that is not the user's (HWIO, NHWC),
// with the cached reorder that fills it (toUser = false) or empties it (creating a reorder costs about as much
// as running it on these sizes). Kernels own their buffer; activations use a shared scratch slot.
struct Layout {
  bool needed = false;
  int slot = kOwn;
  memory::desc want;
  memory own;
  reorder prim;
  void init(const memory::desc& user, const memory::desc& want_, bool toUser, int slot_ = kOwn) {
    needed = want_ != user;
    if (!needed) return;
    want = want_;
    slot = slot_;
    if (slot == kOwn) own = memory(want, cpuEngine());
    memory u(user, cpuEngine());
    memory b(want, cpuEngine(), DNNL_MEMORY_NONE);
    prim = toUser ? reorder(b, u) : reorder(u, b);
  }
  memory buf() { return slot == kOwn ? own : memory(want, cpuEngine(), scratch(slot, want.get_size())); }
  // The memory the primitive reads for user data `p`: p itself, or the buffer after the reorder into it.
  memory in(stream& s, const memory::desc& user, const float* p) {
    memory u(user, cpuEngine(), const_cast<float*>(p));
    if (!needed) return u;
    memory b = buf();
    prim.execute(s, u, b);
    return b;
  }
  // The memory the primitive writes for user data `p`; `finish` then reorders it into p where needed.
  memory out(const memory::desc& user, float* p) { return needed ? buf() : memory(user, cpuEngine(), p); }
  void finish(stream& s, const memory::desc& user, float* p) {
    if (!needed) return;
    memory u(user, cpuEngine(), p);
    memory b = buf();
    prim.execute(s, b, u);
  }
};

// 3x3 stride-1 'same' convolutions of 32+ channels on 20x20+ maps run with Winograd F(4x4, 3x3) where
// oneDNN has it (AVX-512): 2.25x fewer multiplications. It computes in blocked layouts, so activations are
// reordered in and out on every call; with those reorders, on yolov8n's layers (8 x 40x40 x 64 -> 64,
// 20x20 x 64 -> 64, 40x40 x 32 -> 32, 20x20 x 128 -> 64) forward, backward-data and backward-weights
// still took 25-50% less time than the direct NHWC kernels (cold caches, as in a training step). Smaller
// maps or 16 channels gained nothing or lost. Relative error against direct: about 2e-6.
// TACO_NATIVE_WINOGRAD=0 turns it off (to compare).
bool winogradWanted(const ConvGeom& g) {
  static const bool enabled = [] {
    const char* v = std::getenv("TACO_NATIVE_WINOGRAD");
    return !(v && std::string(v) == "0");
  }();
  return enabled && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.pt == 1 && g.pl == 1 &&
         g.pb == 1 && g.pr == 1 && g.ho == g.h && g.wo == g.w && g.h >= 20 && g.w >= 20 && g.ci >= 32 && g.co >= 32 &&
         g.ci % 16 == 0 && g.co % 16 == 0;
}

// The entry `make(true)` builds on Winograd when `tryWinograd` and this oneDNN has it for the machine
// (AVX-512), else `make(false)`'s direct one.
template <class Make>
auto winogradOrDirect(bool tryWinograd, Make make) -> decltype(make(false)) {
  if (tryWinograd) {
    try {
      return make(true);
    } catch (const dnnl::error&) {
      // no Winograd for this CPU or shape: direct below
    }
  }
  return make(false);
}

struct FwdEntry {
  convolution_forward::primitive_desc pd;
  convolution_forward prim;
  Layout wl;
  Layout src, dst;
};
struct BwdDataEntry {
  convolution_backward_data::primitive_desc pd;
  convolution_backward_data prim;
  Layout wl;
  Layout ddst, dsrc;
};
struct BwdWeiEntry {
  convolution_backward_weights::primitive_desc pd;
  convolution_backward_weights prim;
  Layout wl;
  Layout src, ddst;
};

template <class T>
using Cache = std::unordered_map<std::string, std::unique_ptr<T>>;

memory::desc userWei(const ConvGeom& g) { return memory::desc(dimsOf(g).wei, dt::f32, tag::hwio); }

// A 1x1, stride-1, unpadded convolution on NHWC is the matrix product of the [n*h*w, ci] input rows with
// the [ci, co] kernel (HWIO with kh = kw = 1 is exactly that matrix).
bool isPlain1x1(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.pb == 0 && g.pr == 0 && g.ho == g.h &&
         g.wo == g.w;
}

// dW = X^T dY as a oneDNN matmul (brgemm) reading X transposed in place. oneDNN 2.6's 1x1 backward-weights
// convolution runs at about half the speed of the forward on yolov8n's layers (its input, saved in the
// forward pass, is cold by then); the matmul is 15-40% faster on those shapes and writes HWIO directly, so
// the reorder of the result goes too.
struct WgradMatmul {
  matmul::primitive_desc pd;
  matmul prim;
};

void wgradPlain1x1(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db) {
  static std::unordered_map<std::string, std::unique_ptr<WgradMatmul>> cache;
  const int64_t rows = g.n * g.h * g.w;
  std::string key = keyOf("wm", g, 0);
  auto it = cache.find(key);
  if (it == cache.end()) {
    memory::desc a({g.ci, rows}, dt::f32, memory::dims{1, g.ci}), b({rows, g.co}, dt::f32, tag::ab), c({g.ci, g.co}, dt::f32, tag::ab);
    matmul::primitive_desc pd(matmul::desc(a, b, c), cpuEngine());
    it = cache.emplace(key, std::unique_ptr<WgradMatmul>(new WgradMatmul{pd, matmul(pd)})).first;
  }
  WgradMatmul& e = *it->second;
  auto& s = cpuStream();
  memory ma(e.pd.src_desc(), cpuEngine(), const_cast<float*>(x)), mb(e.pd.weights_desc(), cpuEngine(), const_cast<float*>(dy)),
      mc(e.pd.dst_desc(), cpuEngine(), dw);
  e.prim.execute(s, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  s.wait();
  if (!db) return;
  // Column sums of dY: float partial sums over blocks of rows (short, vectorizable), added up in double.
  const int64_t co = g.co, block = 256, blocks = (rows + block - 1) / block;
  std::vector<double> total(static_cast<size_t>(co), 0.0);
#pragma omp parallel
  {
    std::vector<float> part(static_cast<size_t>(co));
    std::vector<double> mine(static_cast<size_t>(co), 0.0);
#pragma omp for schedule(static)
    for (int64_t bk = 0; bk < blocks; bk++) {
      std::fill(part.begin(), part.end(), 0.f);
      const int64_t r1 = std::min(rows, (bk + 1) * block);
      for (int64_t r = bk * block; r < r1; r++) {
        const float* row = dy + r * co;
        for (int64_t c = 0; c < co; c++) part[c] += row[c];
      }
      for (int64_t c = 0; c < co; c++) mine[c] += part[c];
    }
#pragma omp critical
    for (int64_t c = 0; c < co; c++) total[c] += mine[c];
  }
  for (int64_t c = 0; c < co; c++) db[c] = static_cast<float>(total[c]);
}

std::unordered_map<std::string, std::string>& implNames() {
  static std::unordered_map<std::string, std::string> names;
  return names;
}

}  // namespace

std::string convImpl(const ConvGeom& g, char pass) {
  // Runs the pass once on zeros (creating its primitive) so the answer is what training will use.
  std::vector<float> x(size_t(g.n * g.h * g.w * g.ci)), w(size_t(g.kh * g.kw * g.ci * g.co)), y(size_t(g.n * g.ho * g.wo * g.co));
  if (pass == 'f') convForward(g, x.data(), w.data(), nullptr, 0, true, y.data());
  else if (pass == 'd') convBackwardData(g, y.data(), w.data(), x.data());
  else if (pass == 'w') convBackwardWeights(g, x.data(), y.data(), w.data(), nullptr);
  else return "";
  if (pass == 'w' && isPlain1x1(g)) return "matmul";
  auto it = implNames().find(keyOf(pass == 'f' ? "f" : pass == 'd' ? "d" : "w", g, pass == 'f' ? 4 : 0));
  return it == implNames().end() ? "" : it->second;
}

void convForward(const ConvGeom& g, const float* x, const float* w, const float* bias, int act, bool training, float* y) {
  static Cache<FwdEntry> cache;
  std::string key = keyOf("f", g, (bias ? 1 : 0) | (act ? 2 : 0) | (training ? 4 : 0));
  auto it = cache.find(key);
  if (it == cache.end()) {
    // Winograd for the training convolutions (no bias, no post-op: batch norm follows). Its inference
    // variant ran at half the speed of the training one (0.54 vs 0.29 ms on 8 x 20x20 x 64 -> 64), slower
    // than direct: inference stays direct.
    auto e = winogradOrDirect(!bias && !act && training && winogradWanted(g), [&](bool wino) {
      auto pd = wino ? fwdPd(g, false, training, 0, true) : fwdPd(g, bias != nullptr, training, act);
      return std::unique_ptr<FwdEntry>(new FwdEntry{pd, convolution_forward(pd), Layout(), Layout(), Layout()});
    });
    Dims d = dimsOf(g);
    e->wl.init(userWei(g), e->pd.weights_desc(), false);
    e->src.init(memory::desc(d.src, dt::f32, tag::nhwc), e->pd.src_desc(), false, kSlotA);
    e->dst.init(memory::desc(d.dst, dt::f32, tag::nhwc), e->pd.dst_desc(), true, kSlotC);
    implNames()[key] = e->pd.impl_info_str();
    it = cache.emplace(key, std::move(e)).first;
  }
  FwdEntry& e = *it->second;
  Dims d = dimsOf(g);
  auto& s = cpuStream();
  const memory::desc srcU(d.src, dt::f32, tag::nhwc), dstU(d.dst, dt::f32, tag::nhwc);
  memory src = e.src.in(s, srcU, x);
  memory dst = e.dst.out(dstU, y);
  memory wei = e.wl.in(s, userWei(g), w);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(memory::desc(d.bias, dt::f32, tag::x), cpuEngine(), const_cast<float*>(bias)));
  e.prim.execute(s, args);
  e.dst.finish(s, dstU, y);
  s.wait();
}

namespace {

BwdDataEntry& bwdDataEntry(const ConvGeom& g) {
  static Cache<BwdDataEntry> cache;
  std::string key = keyOf("d", g, 0);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  Dims d = dimsOf(g);
  auto make = [&](bool wino) {
    const tag t = wino ? tag::any : tag::nhwc;
    memory::desc src(d.src, dt::f32, t), dst(d.dst, dt::f32, t), wei(d.wei, dt::f32, tag::any);
    auto hint = fwdPd(g, false, true, 0, wino);
    auto desc = convolution_backward_data::desc(wino ? algorithm::convolution_winograd : algorithm::convolution_direct, src, wei, dst,
                                                d.strides, d.dil, d.padL, d.padR);
    convolution_backward_data::primitive_desc pd(desc, cpuEngine(), hint);
    return std::unique_ptr<BwdDataEntry>(new BwdDataEntry{pd, convolution_backward_data(pd), Layout(), Layout(), Layout()});
  };
  auto e = winogradOrDirect(winogradWanted(g), make);
  e->wl.init(userWei(g), e->pd.weights_desc(), false);
  e->ddst.init(memory::desc(d.dst, dt::f32, tag::nhwc), e->pd.diff_dst_desc(), false, kSlotB);
  e->dsrc.init(memory::desc(d.src, dt::f32, tag::nhwc), e->pd.diff_src_desc(), true, kSlotC);
  implNames()[key] = e->pd.impl_info_str();
  return *cache.emplace(key, std::move(e)).first->second;
}

BwdWeiEntry& bwdWeiEntry(const ConvGeom& g, bool bias) {
  static Cache<BwdWeiEntry> cache;
  std::string key = keyOf("w", g, bias ? 1 : 0);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  Dims d = dimsOf(g);
  auto make = [&](bool wino) {
    const tag t = wino ? tag::any : tag::nhwc;
    memory::desc src(d.src, dt::f32, t), dst(d.dst, dt::f32, t), wei(d.wei, dt::f32, tag::any);
    memory::desc b(d.bias, dt::f32, tag::x);
    auto hint = fwdPd(g, bias, true, 0, wino);
    const auto alg = wino ? algorithm::convolution_winograd : algorithm::convolution_direct;
    auto desc = bias ? convolution_backward_weights::desc(alg, src, wei, b, dst, d.strides, d.dil, d.padL, d.padR)
                     : convolution_backward_weights::desc(alg, src, wei, dst, d.strides, d.dil, d.padL, d.padR);
    convolution_backward_weights::primitive_desc pd(desc, cpuEngine(), hint);
    return std::unique_ptr<BwdWeiEntry>(new BwdWeiEntry{pd, convolution_backward_weights(pd), Layout(), Layout(), Layout()});
  };
  auto e = winogradOrDirect(!bias && winogradWanted(g), make);
  e->wl.init(userWei(g), e->pd.diff_weights_desc(), true);
  e->src.init(memory::desc(d.src, dt::f32, tag::nhwc), e->pd.src_desc(), false, kSlotA);
  e->ddst.init(memory::desc(d.dst, dt::f32, tag::nhwc), e->pd.diff_dst_desc(), false, kSlotB);
  implNames()[key] = e->pd.impl_info_str();
  return *cache.emplace(key, std::move(e)).first->second;
}

// Backward-data with its diff_dst already in the primitive's layout (`ddst`).
void runBwdData(BwdDataEntry& e, const ConvGeom& g, const memory& ddst, const float* w, float* dx) {
  auto& s = cpuStream();
  const memory::desc srcU(dimsOf(g).src, dt::f32, tag::nhwc);
  memory wei = e.wl.in(s, userWei(g), w);
  memory dsrc = e.dsrc.out(srcU, dx);
  e.prim.execute(s, {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, dsrc}});
  e.dsrc.finish(s, srcU, dx);
}

void runBwdWei(BwdWeiEntry& e, const ConvGeom& g, const float* x, const memory& ddst, float* dw, float* db) {
  auto& s = cpuStream();
  Dims d = dimsOf(g);
  memory src = e.src.in(s, memory::desc(d.src, dt::f32, tag::nhwc), x);
  memory dwei = e.wl.out(userWei(g), dw);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_WEIGHTS, dwei}};
  if (db) args.emplace(DNNL_ARG_DIFF_BIAS, memory(memory::desc(d.bias, dt::f32, tag::x), cpuEngine(), db));
  e.prim.execute(s, args);
  e.wl.finish(s, userWei(g), dw);
}

}  // namespace

void convBackwardData(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  BwdDataEntry& e = bwdDataEntry(g);
  auto& s = cpuStream();
  memory ddst = e.ddst.in(s, memory::desc(dimsOf(g).dst, dt::f32, tag::nhwc), dy);
  runBwdData(e, g, ddst, w, dx);
  s.wait();
}

void convBackwardWeights(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db) {
  if (isPlain1x1(g)) return wgradPlain1x1(g, x, dy, dw, db);
  BwdWeiEntry& e = bwdWeiEntry(g, db != nullptr);
  auto& s = cpuStream();
  memory ddst = e.ddst.in(s, memory::desc(dimsOf(g).dst, dt::f32, tag::nhwc), dy);
  runBwdWei(e, g, x, ddst, dw, db);
  s.wait();
}

void convBackward(const ConvGeom& g, const float* x, const float* dy, const float* w, float* dx, float* dw, float* db) {
  if (isPlain1x1(g)) {
    wgradPlain1x1(g, x, dy, dw, db);
    return convBackwardData(g, dy, w, dx);
  }
  BwdWeiEntry& we = bwdWeiEntry(g, db != nullptr);
  BwdDataEntry& de = bwdDataEntry(g);
  auto& s = cpuStream();
  const memory::desc dstU(dimsOf(g).dst, dt::f32, tag::nhwc);
  memory ddst = we.ddst.in(s, dstU, dy);
  runBwdWei(we, g, x, ddst, dw, db);
  // Both passes read dy in the same layout (Winograd's blocked one): reordered once, used twice.
  if (we.pd.diff_dst_desc() == de.pd.diff_dst_desc()) runBwdData(de, g, ddst, w, dx);
  else runBwdData(de, g, de.ddst.in(s, dstU, dy), w, dx);
  s.wait();
}

}  // namespace taco
