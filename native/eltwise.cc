// Element-wise glue of the training step in OpenMP loops: broadcasting binary ops, axis sums, strided
// slices, and the SPPF max-pool and nearest upsample with their gradients (NHWC). Shapes arrive already
// collapsed by the JavaScript side (adjacent dims with the same broadcast pattern merged).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "taco_native.h"

namespace taco {

namespace {
// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kPar = 1 << 15;

template <int OP>
inline float apply(float a, float b) {
  if (OP == 0) return a + b;
  if (OP == 1) return a - b;
  if (OP == 2) return a * b;
  if (OP == 3) return a / b;
  // Math.max / Math.min semantics: NaN from either side wins.
  if (OP == 4) return std::isnan(a) || std::isnan(b) ? NAN : (a >= b ? a : b);
  if (OP == 5) return std::isnan(a) || std::isnan(b) ? NAN : (a <= b ? a : b);
  if (OP == 6) return (a - b) * (a - b);
  return 0.f;
}

template <int OP>
void row(int64_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* o) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = apply<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (int64_t i = 0; i < n; i++) o[i] = apply<OP>(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (int64_t i = 0; i < n; i++) o[i] = apply<OP>(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = apply<OP>(a[i * sa], b[i * sb]);
  }
}

template <int OP>
void binaryT(int rank, const int64_t* shape, const int64_t* sa, const int64_t* sb, const float* a, const float* b, float* out) {
  const int64_t inner = shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  const int64_t total = rows * inner;
#pragma omp parallel for schedule(static) if (total > kPar)
  for (int64_t r = 0; r < rows; r++) {
    int64_t oa = 0, ob = 0, rem = r;
    for (int d = rank - 2; d >= 0; d--) {
      const int64_t i = rem % shape[d];
      rem /= shape[d];
      oa += i * sa[d];
      ob += i * sb[d];
    }
    row<OP>(inner, a + oa, sa[rank - 1], b + ob, sb[rank - 1], out + r * inner);
  }
}
}  // namespace

void binaryOp(int op, int rank, const int64_t* shape, const int64_t* sa, const int64_t* sb, const float* a, const float* b, float* out) {
  switch (op) {
    case 0: return binaryT<0>(rank, shape, sa, sb, a, b, out);
    case 1: return binaryT<1>(rank, shape, sa, sb, a, b, out);
    case 2: return binaryT<2>(rank, shape, sa, sb, a, b, out);
    case 3: return binaryT<3>(rank, shape, sa, sb, a, b, out);
    case 4: return binaryT<4>(rank, shape, sa, sb, a, b, out);
    case 5: return binaryT<5>(rank, shape, sa, sb, a, b, out);
    case 6: return binaryT<6>(rank, shape, sa, sb, a, b, out);
  }
}

void sumMiddle(int64_t outer, int64_t mid, int64_t inner, const float* x, float* out) {
  const int64_t total = outer * mid * inner;
  if (inner == 1) {
    // Row sums, in double so long rows match a careful reference.
#pragma omp parallel for schedule(static) if (total > kPar)
    for (int64_t o = 0; o < outer; o++) {
      const float* xr = x + o * mid;
      double s = 0;
      for (int64_t r = 0; r < mid; r++) s += xr[r];
      out[o] = float(s);
    }
    return;
  }
  // Column sums over `mid` for each outer block: per-thread partials in float blocks of 64 rows, merged in double.
  const int64_t width = outer * inner;
  std::vector<double> acc(static_cast<size_t>(width), 0.0);
#pragma omp parallel if (total > kPar)
  {
    std::vector<double> mine(static_cast<size_t>(width), 0.0);
    std::vector<float> part(static_cast<size_t>(inner));
#pragma omp for schedule(static) collapse(2)
    for (int64_t o = 0; o < outer; o++) {
      for (int64_t r0 = 0; r0 < mid; r0 += 64) {
        std::fill(part.begin(), part.end(), 0.f);
        const int64_t r1 = std::min(mid, r0 + 64);
        for (int64_t r = r0; r < r1; r++) {
          const float* xr = x + (o * mid + r) * inner;
          for (int64_t j = 0; j < inner; j++) part[j] += xr[j];
        }
        double* m = mine.data() + o * inner;
        for (int64_t j = 0; j < inner; j++) m[j] += part[j];
      }
    }
#pragma omp critical
    for (int64_t j = 0; j < width; j++) acc[j] += mine[j];
  }
  for (int64_t j = 0; j < width; j++) out[j] = float(acc[j]);
}

void sliceCopy(int rank, const int64_t* shape, const int64_t* begin, const int64_t* size, const float* x, float* out) {
  // Input strides; the last dim is copied as one run.
  std::vector<int64_t> st(size_t(rank), 1);
  for (int d = rank - 2; d >= 0; d--) st[d] = st[d + 1] * shape[d + 1];
  const int64_t inner = size[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= size[d];
#pragma omp parallel for schedule(static) if (rows * inner > kPar)
  for (int64_t r = 0; r < rows; r++) {
    int64_t off = begin[rank - 1], rem = r;
    for (int d = rank - 2; d >= 0; d--) {
      const int64_t i = rem % size[d];
      rem /= size[d];
      off += (i + begin[d]) * st[d];
    }
    std::memcpy(out + r * inner, x + off, sizeof(float) * inner);
  }
}

void maxPoolSame(int64_t n, int64_t h, int64_t w, int64_t c, int k, const float* x, float* y, int32_t* arg) {
  const int p = k / 2;
#pragma omp parallel for schedule(static) collapse(2)
  for (int64_t b = 0; b < n; b++) {
    for (int64_t i = 0; i < h; i++) {
      for (int64_t j = 0; j < w; j++) {
        float* yo = y + ((b * h + i) * w + j) * c;
        int32_t* ao = arg + ((b * h + i) * w + j) * c;
        for (int64_t ch = 0; ch < c; ch++) yo[ch] = -INFINITY, ao[ch] = -1;
        // Columns outer, rows inner, strict '>': the first maximum in the order that the separable
        // reference (max over rows, then over columns, ties to the earlier operand) routes its gradient.
        for (int dx = 0; dx < k; dx++) {
          const int64_t jj = j + dx - p;
          if (jj < 0 || jj >= w) continue;
          for (int dy = 0; dy < k; dy++) {
            const int64_t ii = i + dy - p;
            if (ii < 0 || ii >= h) continue;
            const int32_t src = int32_t((b * h + ii) * w + jj);
            const float* xi = x + int64_t(src) * c;
            for (int64_t ch = 0; ch < c; ch++) {
              if (xi[ch] > yo[ch] || ao[ch] < 0) yo[ch] = xi[ch], ao[ch] = src;
            }
          }
        }
      }
    }
  }
}

void maxPoolSameBackward(int64_t n, int64_t h, int64_t w, int64_t c, const float* dy, const int32_t* arg, float* dx) {
  // Each image scatters only into itself, so images run in parallel without races.
  const int64_t plane = h * w;
  std::memset(dx, 0, sizeof(float) * size_t(n * plane * c));
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < n; b++) {
    for (int64_t q = b * plane; q < (b + 1) * plane; q++) {
      const float* d = dy + q * c;
      const int32_t* a = arg + q * c;
      for (int64_t ch = 0; ch < c; ch++) dx[int64_t(a[ch]) * c + ch] += d[ch];
    }
  }
}

void upsample2x(int64_t n, int64_t h, int64_t w, int64_t c, const float* x, float* y) {
#pragma omp parallel for schedule(static) collapse(2)
  for (int64_t b = 0; b < n; b++) {
    for (int64_t i = 0; i < 2 * h; i++) {
      const float* xr = x + (b * h + i / 2) * w * c;
      float* yr = y + (b * 2 * h + i) * 2 * w * c;
      for (int64_t j = 0; j < w; j++) {
        std::memcpy(yr + (2 * j) * c, xr + j * c, sizeof(float) * c);
        std::memcpy(yr + (2 * j + 1) * c, xr + j * c, sizeof(float) * c);
      }
    }
  }
}

void upsample2xBackward(int64_t n, int64_t h, int64_t w, int64_t c, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) collapse(2)
  for (int64_t b = 0; b < n; b++) {
    for (int64_t i = 0; i < h; i++) {
      const float* r0 = dy + (b * 2 * h + 2 * i) * 2 * w * c;
      const float* r1 = r0 + 2 * w * c;
      float* o = dx + (b * h + i) * w * c;
      for (int64_t j = 0; j < w; j++) {
        for (int64_t ch = 0; ch < c; ch++) {
          o[j * c + ch] = (r0[2 * j * c + ch] + r0[(2 * j + 1) * c + ch]) + (r1[2 * j * c + ch] + r1[(2 * j + 1) * c + ch]);
        }
      }
    }
  }
}

}  // namespace taco
