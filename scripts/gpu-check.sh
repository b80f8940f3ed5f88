#!/usr/bin/env bash
# GPU check for the webgpu engine, for a lent NVIDIA machine with no network (under 8 minutes).
# Uses the node_modules built elsewhere (carry node_modules and .gl). Prints the adapter, runs the webgpu
# tests, times `taco bench train` for yolov8n and yolov8s at 640, batch 16, and, when PyTorch with CUDA
# is there, the same step in PyTorch with the ratio. Output also goes to $OUT (when set).
#
# Prepare once, on the build machine, in the repo root (Vulkan/EGL loaders as .deb files):
#   echo /.gl/ >>.git/info/exclude; mkdir -p .gl /tmp/amd64/partial
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
# Run:  bash scripts/gpu-check.sh      (device tool: carry ["node_modules", ".gl"], timeout_s 570)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-/tmp/gpu-check}"; mkdir -p "$OUT"
exec > >(tee "$OUT/gpu-check.log") 2>&1
t0=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - t0 )) s)"; }

step "loaders"
if [ -d .gl ] && ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
fi
ldconfig -p | grep -E 'libvulkan.so.1|libEGL.so.1' || echo "no Vulkan/EGL loader found"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$icd"; fi
done
[ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not found"
node --version

step "adapter (taco doctor)"
node bin/taco.js doctor --json > "$OUT/doctor.json"; node bin/taco.js doctor
if ! node -e "const d=require('$OUT/doctor.json'); process.exit(d.webgpu.adapters.some(a=>!a.software)?0:1)"; then
  echo "FAIL: webgpu found no hardware adapter"; HW=0
else
  echo "OK: hardware adapter found; automatic backend: $(node -e "console.log(require('$OUT/doctor.json').name)")"; HW=1
fi

step "webgpu tests"
TACO_SKIP_TYPECHECK=1 timeout 150 node bin/run-tests.js test/backend/webgpu- 2>&1 | grep -E '^(not )?ok|^# (tests|pass|fail|skipped|worst)|error' | head -40

step "bench train: webgpu, yolov8n and yolov8s at 640, batch 16"
if [ "$HW" = 1 ]; then
  timeout 240 node bin/taco.js bench train --backend webgpu --models n,s --imgsz 640 --batch 16 --steps 5 --warmup 2 --json > "$OUT/bench-webgpu.json"
  cat "$OUT/bench-webgpu.json" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{for(const r of JSON.parse(s).rows??JSON.parse(s))console.log(r.model,r.imgsz,'batch',r.batch,(r.imagesPerSec).toFixed(1),'images/s',JSON.stringify(r.phases))})" || cat "$OUT/bench-webgpu.json"
fi

step "PyTorch CUDA side by side (same model scale, 640, batch 16, SGD step)"
if python3 -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  timeout 150 python3 - <<'PY' | tee "$OUT/torch.txt"
import time, torch, torch.nn as nn
torch.backends.cudnn.benchmark = True
def conv(c1, c2, k=1, s=1):
    return nn.Sequential(nn.Conv2d(c1, c2, k, s, k // 2, bias=False), nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03), nn.SiLU())
class Bottleneck(nn.Module):
    def __init__(s, c, sc=True): super().__init__(); s.cv1 = conv(c, c, 3); s.cv2 = conv(c, c, 3); s.add = sc
    def forward(s, x): y = s.cv2(s.cv1(x)); return x + y if s.add else y
class C2f(nn.Module):
    def __init__(s, c1, c2, n, sc=True):
        super().__init__(); s.c = c2 // 2; s.cv1 = conv(c1, 2 * s.c); s.cv2 = conv((2 + n) * s.c, c2); s.m = nn.ModuleList(Bottleneck(s.c, sc) for _ in range(n))
    def forward(s, x):
        y = list(s.cv1(x).chunk(2, 1))
        for m in s.m: y.append(m(y[-1]))
        return s.cv2(torch.cat(y, 1))
class SPPF(nn.Module):
    def __init__(s, c1, c2): super().__init__(); c = c1 // 2; s.cv1 = conv(c1, c); s.cv2 = conv(4 * c, c2); s.m = nn.MaxPool2d(5, 1, 2)
    def forward(s, x): x = s.cv1(x); a = s.m(x); b = s.m(a); return s.cv2(torch.cat([x, a, b, s.m(b)], 1))
def yolo(w, d, mc, nc=7):
    ch = lambda c: min(c, mc) * w
    n = lambda k: max(round(k * d), 1)
    c = [int(ch(x)) for x in (64, 128, 256, 512, 1024)]
    class Y(nn.Module):
        def __init__(s):
            super().__init__()
            s.b = nn.ModuleList([conv(3, c[0], 3, 2), conv(c[0], c[1], 3, 2), C2f(c[1], c[1], n(3)), conv(c[1], c[2], 3, 2), C2f(c[2], c[2], n(6)),
                                 conv(c[2], c[3], 3, 2), C2f(c[3], c[3], n(6)), conv(c[3], c[4], 3, 2), C2f(c[4], c[4], n(3)), SPPF(c[4], c[4])])
            s.up = nn.Upsample(scale_factor=2)
            s.h1 = C2f(c[4] + c[3], c[3], n(3), False); s.h2 = C2f(c[3] + c[2], c[2], n(3), False)
            s.d1 = conv(c[2], c[2], 3, 2); s.h3 = C2f(c[2] + c[3], c[3], n(3), False); s.d2 = conv(c[3], c[3], 3, 2); s.h4 = C2f(c[3] + c[4], c[4], n(3), False)
            c2, c3 = max(16, c[2] // 4, 64), max(c[2], min(nc, 100))
            s.det = nn.ModuleList(nn.Sequential(conv(x, c2, 3), conv(c2, c2, 3), nn.Conv2d(c2, 64, 1)) for x in (c[2], c[3], c[4]))
            s.cls = nn.ModuleList(nn.Sequential(conv(x, c3, 3), conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in (c[2], c[3], c[4]))
        def forward(s, x):
            f = []
            for i, m in enumerate(s.b): x = m(x); f.append(x)
            p3, p4, p5 = f[4], f[6], f[9]
            a = s.h1(torch.cat([s.up(p5), p4], 1)); b = s.h2(torch.cat([s.up(a), p3], 1))
            cc = s.h3(torch.cat([s.d1(b), a], 1)); dd = s.h4(torch.cat([s.d2(cc), p5], 1))
            return [torch.cat([s.det[i](t), s.cls[i](t)], 1) for i, t in enumerate((b, cc, dd))]
    return Y()
# The same network and step as taco's bench (forward, a loss touching every output, backward, SGD);
# the detection loss itself is cheap next to the convs, so a sum-of-squares stands in for it.
for name, w, d, mc in (('yolov8n', 0.25, 0.33, 1024), ('yolov8s', 0.5, 0.33, 1024)):
    m = yolo(w, d, mc).cuda().train(); opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.937, nesterov=True)
    x = torch.rand(16, 3, 640, 640, device='cuda')
    for fp in ('fp32',):
        torch.backends.cuda.matmul.allow_tf32 = False; torch.backends.cudnn.allow_tf32 = False
        def step():
            opt.zero_grad(set_to_none=True); loss = sum((o.float() ** 2).mean() for o in m(x)); loss.backward(); opt.step()
        for _ in range(3): step()
        torch.cuda.synchronize(); t = time.time(); n = 10
        for _ in range(n): step()
        torch.cuda.synchronize(); dt = (time.time() - t) / n
        print(f'torch {name} 640 batch 16 {fp}: {16 / dt:.1f} images/s ({dt * 1000:.0f} ms/step)')
PY
  if [ -f "$OUT/bench-webgpu.json" ]; then
    node -e "
      const rows = (j => j.rows ?? j)(require('$OUT/bench-webgpu.json'));
      const t = require('fs').readFileSync('$OUT/torch.txt', 'utf8');
      for (const r of rows) { const m = t.match(new RegExp('torch ' + r.model + ' 640 batch 16 fp32: ([0-9.]+)')); if (m) console.log(r.model, 'webgpu/torch-fp32 =', (r.imagesPerSec / Number(m[1])).toFixed(3)); }"
  fi
else
  echo "no PyTorch with CUDA here: skipped"
fi
step "done"
