"""PyTorch baseline for `taco bench predict|train`: a YOLOv8 of the same architecture (ultralytics'
yolov8.yaml, written out here), channels_last, 2 threads, fp32. Prints one JSON line.
Training uses a surrogate loss (mean of squares of the head maps) so it times forward + backward + SGD,
not ultralytics' assigner and loss."""
import json, sys, time
import torch
import torch.nn as nn

SCALES = {'n': (0.33, 0.25, 1024), 's': (0.33, 0.50, 1024), 'm': (0.67, 0.75, 768), 'l': (1.0, 1.0, 512), 'x': (1.0, 1.25, 512)}


class Conv(nn.Module):
    def __init__(s, c1, c2, k=1, st=1):
        super().__init__()
        s.conv = nn.Conv2d(c1, c2, k, st, k // 2, bias=False)
        s.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        s.act = nn.SiLU()

    def forward(s, x):
        return s.act(s.bn(s.conv(x)))


class Bottleneck(nn.Module):
    def __init__(s, c, sc):
        super().__init__()
        s.cv1, s.cv2, s.add = Conv(c, c, 3), Conv(c, c, 3), sc

    def forward(s, x):
        y = s.cv2(s.cv1(x))
        return x + y if s.add else y


class C2f(nn.Module):
    def __init__(s, c1, c2, n, sc):
        super().__init__()
        s.c = c2 // 2
        s.cv1, s.cv2 = Conv(c1, 2 * s.c, 1), Conv((2 + n) * s.c, c2, 1)
        s.m = nn.ModuleList(Bottleneck(s.c, sc) for _ in range(n))

    def forward(s, x):
        y = list(s.cv1(x).chunk(2, 1))
        for m in s.m:
            y.append(m(y[-1]))
        return s.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(s, c1, c2):
        super().__init__()
        c = c1 // 2
        s.cv1, s.cv2, s.m = Conv(c1, c, 1), Conv(4 * c, c2, 1), nn.MaxPool2d(5, 1, 2)

    def forward(s, x):
        x = s.cv1(x)
        a = s.m(x); b = s.m(a)
        return s.cv2(torch.cat([x, a, b, s.m(b)], 1))


class Yolo(nn.Module):
    def __init__(s, scale, nc):
        super().__init__()
        d, w, mx = SCALES[scale]
        ch = lambda c: int(min(c, mx) * w) // 8 * 8 if int(min(c, mx) * w) % 8 == 0 else (int(min(c, mx) * w) + 7) // 8 * 8
        n = lambda r: max(round(r * d), 1)
        c = [ch(x) for x in (64, 128, 256, 512, 1024)]
        s.b = nn.ModuleList([Conv(3, c[0], 3, 2), Conv(c[0], c[1], 3, 2), C2f(c[1], c[1], n(3), True), Conv(c[1], c[2], 3, 2),
                             C2f(c[2], c[2], n(6), True), Conv(c[2], c[3], 3, 2), C2f(c[3], c[3], n(6), True), Conv(c[3], c[4], 3, 2),
                             C2f(c[4], c[4], n(3), True), SPPF(c[4], c[4])])
        s.up = nn.Upsample(scale_factor=2)
        s.h12, s.h15 = C2f(c[4] + c[3], c[3], n(3), False), C2f(c[3] + c[2], c[2], n(3), False)
        s.d16, s.h18 = Conv(c[2], c[2], 3, 2), C2f(c[2] + c[3], c[3], n(3), False)
        s.d19, s.h21 = Conv(c[3], c[3], 3, 2), C2f(c[3] + c[4], c[4], n(3), False)
        c2, c3 = max(16, c[2] // 4, 64), max(c[2], min(nc, 100))
        s.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 64, 1)) for x in (c[2], c[3], c[4]))
        s.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in (c[2], c[3], c[4]))

    def forward(s, x):
        o = []
        for i, m in enumerate(s.b):
            x = m(x); o.append(x)
        h12 = s.h12(torch.cat([s.up(o[9]), o[6]], 1))
        p3 = s.h15(torch.cat([s.up(h12), o[4]], 1))
        p4 = s.h18(torch.cat([s.d16(p3), h12], 1))
        p5 = s.h21(torch.cat([s.d19(p4), o[9]], 1))
        return [torch.cat([s.cv2[i](f), s.cv3[i](f)], 1) for i, f in enumerate((p3, p4, p5))]


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(a.get('threads', 2))
    torch.manual_seed(0)
    m = Yolo(a['scale'], a.get('nc', 7)).to(memory_format=torch.channels_last)
    x = torch.rand(a['batch'], 3, a['imgsz'], a['imgsz']).to(memory_format=torch.channels_last)
    times = []
    if a['mode'] == 'predict':
        m.eval()
        with torch.no_grad():
            for i in range(a['warmup'] + a['steps']):
                t = time.perf_counter(); m(x); times.append(time.perf_counter() - t)
    else:
        m.train()
        opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.937, nesterov=True)
        for i in range(a['warmup'] + a['steps']):
            t = time.perf_counter()
            loss = sum((f.float() ** 2).mean() for f in m(x))
            opt.zero_grad(); loss.backward(); opt.step()
            times.append(time.perf_counter() - t)
    t = times[a['warmup']:]
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'secPerStep': sum(t) / len(t)}))


main()
