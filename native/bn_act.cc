// Memory-bound ops in OpenMP loops: training batch norm fused with SiLU (forward and backward), and channel concat/split.
#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "fastmath.h"
#include "taco_native.h"

namespace taco {

namespace {

// The [m, c] rows are walked in tiles of `rows` whole rows (rows * c contiguous floats, about 2048), so
// every inner loop is long and contiguous whatever c is (c = 16 made row-by-row loops overhead-bound);
// per-channel vectors are repeated across the tile (`rep`).
struct Tiling {
  int64_t m, c, rows, len;
  Tiling(int64_t m_, int64_t c_) : m(m_), c(c_), rows(std::max<int64_t>(1, 2048 / c_)), len(rows * c_) {}
  int64_t tiles() const { return (m + rows - 1) / rows; }
  // Floats in tile t (the last one may be short).
  int64_t size(int64_t t) const { return std::min(rows, m - t * rows) * c; }
  std::vector<float> rep(const float* v) const {
    std::vector<float> r(static_cast<size_t>(len));
    for (int64_t i = 0; i < len; i++) r[i] = v[i % c];
    return r;
  }
};

// Per-channel sums of f(tile, start, n, acc) where f adds its values into acc[0..n): float accumulators
// over up to 16 tiles, then double, so long columns stay accurate.
template <class F>
void tiledSums(const Tiling& tl, int nsums, double* out, F f) {
  std::fill(out, out + nsums * tl.c, 0.0);
#pragma omp parallel
  {
    std::vector<float> acc(static_cast<size_t>(nsums * tl.len), 0.f);
    std::vector<double> dacc(static_cast<size_t>(nsums * tl.c), 0.0);
    int pending = 0;
    auto flush = [&] {
      for (int k = 0; k < nsums; k++)
        for (int64_t i = 0; i < tl.len; i++) dacc[k * tl.c + i % tl.c] += acc[k * tl.len + i];
      std::fill(acc.begin(), acc.end(), 0.f);
      pending = 0;
    };
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tl.tiles(); t++) {
      f(t, t * tl.len, tl.size(t), acc.data());
      if (++pending == 16) flush();
    }
    if (pending) flush();
#pragma omp critical
    for (int64_t i = 0; i < nsums * tl.c; i++) out[i] += dacc[i];
  }
}
}  // namespace

void bnActForwardTrain(int64_t m, int64_t c, const float* z, const float* gamma, const float* beta, float eps, int act, float* y,
                       float* mean, float* var, float* invstd) {
  const Tiling tl(m, c);
  // One pass for both moments, on values shifted by the first row: the shift keeps sum-of-squares
  // minus squared-sum accurate when a channel's mean is large next to its spread (the float partial
  // sums go to double every 16 tiles).
  const std::vector<float> shiftR = tl.rep(z);
  std::vector<double> s(2 * c);
  tiledSums(tl, 2, s.data(), [&](int64_t, int64_t at, int64_t n, float* acc) {
    const float* zt = z + at;
    float* a1 = acc;
    float* a2 = acc + tl.len;
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
      const float d = zt[i] - shiftR[i];
      a1[i] += d;
      a2[i] += d * d;
    }
  });
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; j++) {
    const double md = s[j] / double(m);
    const double vd = std::max(s[c + j] / double(m) - md * md, 0.0);
    mean[j] = float(double(z[j]) + md);
    var[j] = float(vd);
    invstd[j] = 1.f / std::sqrt(var[j] + eps);
    scale[j] = gamma[j] * invstd[j];
    shift[j] = beta[j] - mean[j] * scale[j];
  }
  const std::vector<float> scR = tl.rep(scale.data()), shR = tl.rep(shift.data());
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < tl.tiles(); t++) {
    const int64_t n = tl.size(t);
    const float* zt = z + t * tl.len;
    float* yt = y + t * tl.len;
    if (act) {
#pragma omp simd
      for (int64_t i = 0; i < n; i++) {
        const float v = zt[i] * scR[i] + shR[i];
        yt[i] = v * sigmoid(v);
      }
    } else {
      for (int64_t i = 0; i < n; i++) yt[i] = zt[i] * scR[i] + shR[i];
    }
  }
}

void bnActBackward(int64_t m, int64_t c, const float* dy, const float* z, const float* gamma, const float* beta, const float* mean,
                   const float* invstd, int act, float* dz, float* dgamma, float* dbeta) {
  const Tiling tl(m, c);
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; j++) {
    scale[j] = gamma[j] * invstd[j];
    shift[j] = beta[j] - mean[j] * scale[j];
  }
  const std::vector<float> scR = tl.rep(scale.data()), shR = tl.rep(shift.data()), mR = tl.rep(mean), isR = tl.rep(invstd);
  // Pass 1: dyb (the gradient at the BN output) into dz, with its sums for dbeta and dgamma in the same sweep.
  std::vector<double> sums(2 * c);
  tiledSums(tl, 2, sums.data(), [&](int64_t, int64_t at, int64_t n, float* acc) {
    const float* zt = z + at;
    const float* dt = dy + at;
    float* o = dz + at;
    float* ab = acc;
    float* ag = acc + tl.len;
    // Two copies of the loop, not a branch inside it, so both vectorise.
    if (act) {
#pragma omp simd
      for (int64_t i = 0; i < n; i++) {
        const float v = zt[i] * scR[i] + shR[i];
        const float sg1 = sigmoid(v);
        const float g = dt[i] * (sg1 * (1.f + v * (1.f - sg1)));
        o[i] = g;
        ab[i] += g;
        ag[i] += g * ((zt[i] - mR[i]) * isR[i]);
      }
    } else {
      for (int64_t i = 0; i < n; i++) {
        const float g = dt[i];
        o[i] = g;
        ab[i] += g;
        ag[i] += g * ((zt[i] - mR[i]) * isR[i]);
      }
    }
  });
  std::vector<float> mb(c), mg(c);
  for (int64_t j = 0; j < c; j++) {
    dbeta[j] = float(sums[j]);
    dgamma[j] = float(sums[c + j]);
    mb[j] = float(sums[j] / double(m));
    mg[j] = float(sums[c + j] / double(m));
  }
  const std::vector<float> mbR = tl.rep(mb.data()), mgR = tl.rep(mg.data());
  // Pass 2: dz = gamma * invstd * (dyb - mean(dyb) - xhat * mean(dyb * xhat)).
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < tl.tiles(); t++) {
    const int64_t n = tl.size(t);
    const float* zt = z + t * tl.len;
    float* o = dz + t * tl.len;
    for (int64_t i = 0; i < n; i++) {
      const float xh = (zt[i] - mR[i]) * isR[i];
      o[i] = scR[i] * (o[i] - mbR[i] - xh * mgR[i]);
    }
  }
}

void concatChannels(int64_t m, int n, const float* const* parts, const int64_t* cs, float* out) {
  int64_t total = 0;
  for (int i = 0; i < n; i++) total += cs[i];
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    float* o = out + r * total;
    for (int i = 0; i < n; i++) {
      std::memcpy(o, parts[i] + r * cs[i], sizeof(float) * cs[i]);
      o += cs[i];
    }
  }
}

void splitChannels(int64_t m, int n, const float* x, const int64_t* cs, float* const* outs) {
  int64_t total = 0;
  for (int i = 0; i < n; i++) total += cs[i];
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    const float* xr = x + r * total;
    for (int i = 0; i < n; i++) {
      std::memcpy(outs[i] + r * cs[i], xr, sizeof(float) * cs[i]);
      xr += cs[i];
    }
  }
}

void addInto(int64_t n, const float* a, const float* b, float* out) {
  // Threads only pay off on long arrays (a bias of 16 floats is added in less than a thread wake-up).
#pragma omp parallel for schedule(static) if (n > 32768)
  for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

}  // namespace taco
