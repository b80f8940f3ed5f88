#!/usr/bin/python3
"""Fixtures for src/project/data/cv-*.ts: what OpenCV (cv2.resize, cv2.imread) and ultralytics'
LetterBox make of known pixels, so the TypeScript tests need neither Python nor OpenCV.

Regenerate (Debian's OpenCV; pip's opencv-python builds may differ in their codecs):
    sudo apt-get install -y python3-opencv python3-numpy python3-pil
    /usr/bin/python3 scripts/gen-cv-fixtures.py            # from the project root
It writes test/fixtures/cv/{resize,letterbox,decode,real}.json and test/fixtures/cv/jpeg/*.jpg.
real.json holds only SHA-256 digests (the first 128 bits, as everywhere here) of what cv2 makes of the pictures in ../shared/real (never the
pictures); it is skipped, and the old file kept, when ../shared/real is absent.

Synthetic inputs are rebuilt from (kind, seed, width, height) by the same generator in
test/data/cv-synthetic.ts: an LCG, state = state * 1664525 + 1013904223 (mod 2^32), byte = state >> 24.
"""
import base64
import hashlib
import json
import math
import os
import struct
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'cv')
SHARED_REAL = os.path.join(ROOT, '..', 'shared', 'real')
FULL_BYTES = 192  # outputs up to this many bytes are stored whole, so a failing test can show where
DIGEST_HEX = 32  # digests are the first 128 bits of SHA-256, to keep the fixtures small


def lcg_bytes(seed, n):
    out = np.empty(n, dtype=np.uint8)
    s = seed & 0xFFFFFFFF
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = s >> 24
    return out


def lcg_bytes_fast(seed, n):
    # the same sequence as lcg_bytes, by blocks: s_{i+k} = A^k s_i + C_k (mod 2^32)
    if n <= 4096:
        return lcg_bytes(seed, n)
    a, c, m = 1664525, 1013904223, 1 << 32
    blk = 4096
    ak = np.empty(blk, dtype=np.uint64)
    ck = np.empty(blk, dtype=np.uint64)
    x, y = 1, 0
    for k in range(blk):
        x, y = (x * a) % m, (y * a + c) % m
        ak[k], ck[k] = x, y
    out = np.empty(n, dtype=np.uint8)
    s = seed & 0xFFFFFFFF
    for start in range(0, n, blk):
        cnt = min(blk, n - start)
        st = (np.uint64(s) * ak[:cnt] + ck[:cnt]) & np.uint64(0xFFFFFFFF)
        out[start:start + cnt] = (st >> np.uint64(24)).astype(np.uint8)
        s = int(st[cnt - 1])
    return out


def synthetic(kind, seed, w, h):
    """HWC uint8, 3 channels; must match test/data/cv-synthetic.ts."""
    n = w * h * 3
    if kind == 'noise':
        return lcg_bytes_fast(seed, n).reshape(h, w, 3)
    if kind == 'binary':  # 0 or 255: the extremes, where rounding and saturation show
        return np.where(lcg_bytes_fast(seed, n) >= 128, 255, 0).astype(np.uint8).reshape(h, w, 3)
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(3), indexing='ij')
    if kind == 'ramp':  # smooth in x and y, a different slope per channel
        return ((x * (3 + c) + y * (5 - c) + seed) % 256).astype(np.uint8)
    if kind == 'blocks':  # 3x3 cells of 0/255 checkerboard
        return np.where(((x // 3) + (y // 3) + c + seed) % 2 == 0, 255, 0).astype(np.uint8)
    raise ValueError(kind)


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:DIGEST_HEX]


INTERP = {'linear': cv2.INTER_LINEAR, 'area': cv2.INTER_AREA}


def resize_cases():
    cases = []
    small = [(7, 5), (5, 7), (1, 1), (1, 9), (9, 1), (2, 2), (3, 2), (37, 91), (91, 37)]
    targets = [(1, 1), (2, 3), (3, 2), (4, 4), (6, 5), (8, 10), (13, 11), (14, 10), (21, 15), (35, 25), (64, 48), (5, 100)]
    for kind in ('noise', 'blocks', 'binary'):
        for (sw, sh) in small:
            for (dw, dh) in targets + [(sw * 2, sh * 2), (max(1, sw // 2), max(1, sh // 2)), (sw * 3, sh), (sw, max(1, sh // 3))]:
                for interp in ('linear', 'area'):
                    cases.append((kind, 11, sw, sh, dw, dh, interp))
    # odd scales of a mid-size picture, both ways
    for kind in ('noise', 'ramp'):
        for (dw, dh) in [(100, 60), (98, 58), (64, 64), (33, 20), (300, 200), (257, 129), (40, 240), (120, 72), (60, 36), (24, 12)]:
            for interp in ('linear', 'area'):
                cases.append((kind, 5, 120, 72, dw, dh, interp))
    # the sizes ultralytics meets: long side to 640 (or 416), and real photo sizes shrunk
    for (sw, sh, dw, dh, interp) in [
        (381, 500, 488, 640, 'linear'),   # coco8 000000000049.jpg, predict/val at 640
        (381, 500, 488, 640, 'area'),
        (500, 375, 640, 480, 'linear'),
        (640, 427, 416, 278, 'area'),
        (640, 427, 416, 277, 'linear'),
        (640, 480, 320, 240, 'linear'),   # exact 2x: OpenCV runs INTER_AREA
        (640, 480, 320, 240, 'area'),
        (416, 416, 640, 640, 'linear'),
        (1280, 960, 640, 480, 'area'),
        (1920, 1440, 640, 480, 'area'),   # exact 3x
        (1920, 1440, 640, 480, 'linear'),
        (2048, 1536, 640, 480, 'area'),   # 3.2x
        (3264, 2448, 640, 480, 'area'),   # 5.1x, a TACO photo
        (3264, 2448, 640, 480, 'linear'),
        (2448, 3264, 480, 640, 'area'),
        (4000, 3000, 640, 480, 'area'),
        (1000, 750, 640, 480, 'area'),
    ]:
        cases.append(('noise', 7, sw, sh, dw, dh, interp))
        cases.append(('ramp', 3, sw, sh, dw, dh, interp))
    return cases


def gen_resize():
    out = []
    cache = {}
    for (kind, seed, sw, sh, dw, dh, interp) in resize_cases():
        key = (kind, seed, sw, sh)
        if key not in cache:
            cache = {key: synthetic(kind, seed, sw, sh)}
        r = cv2.resize(cache[key], (dw, dh), interpolation=INTERP[interp])
        r = r.reshape(dh, dw, -1)
        case = {'kind': kind, 'seed': seed, 'sw': sw, 'sh': sh, 'dw': dw, 'dh': dh, 'interp': interp, 'sha256': sha(r)}
        if r.nbytes <= FULL_BYTES:
            case['data'] = base64.b64encode(r.tobytes()).decode()
        out.append(case)
    return out


def py_letterbox(img, new_shape, auto, scaleup, center, stride):
    """ultralytics 8.0.200 LetterBox.__call__ on an image (no labels), as documented in its source."""
    shape = img.shape[:2]
    r = min(new_shape[0] / shape[0], new_shape[1] / shape[1])
    if not scaleup:
        r = min(r, 1.0)
    new_unpad = int(round(shape[1] * r)), int(round(shape[0] * r))
    dw, dh = new_shape[1] - new_unpad[0], new_shape[0] - new_unpad[1]
    if auto:
        dw, dh = np.mod(dw, stride), np.mod(dh, stride)
    if center:
        dw /= 2
        dh /= 2
    if shape[::-1] != new_unpad:
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)) if center else 0, int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)) if center else 0, int(round(dw + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    return img, top, left, r


def gen_letterbox():
    out = []
    sizes = [(381, 500), (500, 381), (640, 427), (427, 640), (640, 480), (416, 416), (1280, 720), (333, 333),
             (37, 91), (7, 5), (640, 640), (639, 641), (320, 240), (1000, 3)]
    shapes = [(640, 640), (416, 416), (384, 640), (672, 512)]
    for (sw, sh) in sizes:
        img = synthetic('noise', sw * 7 + sh, sw, sh)
        for ns in shapes:
            for (auto, scaleup, center) in [(True, True, True), (False, True, True), (False, False, True), (False, True, False), (True, False, False)]:
                r_img, top, left, r = py_letterbox(img, ns, auto, scaleup, center, 32)
                out.append({'kind': 'noise', 'seed': sw * 7 + sh, 'sw': sw, 'sh': sh, 'newShape': list(ns),
                            'auto': auto, 'scaleup': scaleup, 'center': center, 'stride': 32,
                            'outW': int(r_img.shape[1]), 'outH': int(r_img.shape[0]), 'top': top, 'left': left,
                            'ratio': r, 'sha256': sha(r_img)})
    return out


def exif_app1(orientation):
    """A minimal big-endian EXIF APP1 segment holding only the Orientation tag (0x0112, SHORT)."""
    tiff = b'MM\x00\x2a' + struct.pack('>I', 8) + struct.pack('>H', 1)
    tiff += struct.pack('>HHIHH', 0x0112, 3, 1, orientation, 0) + struct.pack('>I', 0)
    body = b'Exif\x00\x00' + tiff
    return b'\xff\xe1' + struct.pack('>H', len(body) + 2) + body


def with_exif(jpeg, orientation):
    assert jpeg[:2] == b'\xff\xd8'
    pos = 2
    if jpeg[2:4] == b'\xff\xe0':  # keep JFIF APP0 first
        pos = 4 + struct.unpack('>H', jpeg[4:6])[0]
    return jpeg[:pos] + exif_app1(orientation) + jpeg[pos:]


def gen_decode():
    """Small JPEGs of our own: EXIF orientations 1..8, chroma subsamplings, progressive, grayscale."""
    from PIL import Image
    jdir = os.path.join(OUT, 'jpeg')
    os.makedirs(jdir, exist_ok=True)
    w, h = 45, 29  # odd sizes: partial MCUs, and rotations that are easy to tell apart
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([(x * 255 // (w - 1)), (y * 255 // (h - 1)), ((x // 5 + y // 5) % 2) * 200 + 20], -1).astype(np.uint8)
    rgb[2:9, 3:12] = (250, 30, 30)  # a red patch near the top-left corner: orientation shows
    files = []

    def save(name, data):
        with open(os.path.join(jdir, name), 'wb') as f:
            f.write(data)
        files.append(name)

    ok, enc = cv2.imencode('.jpg', rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    base = enc.tobytes()
    for o in range(1, 9):
        save(f'orient-{o}.jpg', with_exif(base, o))
    pil = Image.fromarray(rgb)
    import io
    for name, kw in [('sub444.jpg', {'subsampling': 0}), ('sub422.jpg', {'subsampling': 1}),
                     ('sub420.jpg', {'subsampling': 2}), ('progressive.jpg', {'subsampling': 2, 'progressive': True}),
                     ('q100-444.jpg', {'subsampling': 0, 'quality': 100})]:
        b = io.BytesIO()
        pil.save(b, 'JPEG', quality=kw.pop('quality', 85), **kw)
        save(name, b.getvalue())
    b = io.BytesIO()
    pil.convert('L').save(b, 'JPEG', quality=85)
    save('gray.jpg', b.getvalue())
    out = []
    for name in files:
        im = cv2.imread(os.path.join(jdir, name), cv2.IMREAD_COLOR)[:, :, ::-1]
        out.append({'file': name, 'w': int(im.shape[1]), 'h': int(im.shape[0]), 'sha256': sha(im)})
    return out


def load_resize_size(w0, h0, imgsz):
    """ultralytics 8.0.200 BaseDataset.load_image target size and interpolation (no augmentation)."""
    r = imgsz / max(h0, w0)
    if r == 1:
        return None
    interp = 'linear' if r > 1 else 'area'
    return min(math.ceil(w0 * r), imgsz), min(math.ceil(h0 * r), imgsz), interp


def gen_real():
    import glob
    files = []
    for pat in ('coco8/images/*/*.jpg', 'coco128val/images/val2017/*.jpg', 'trash-filter-taco416/*/images/*.jpg'):
        files += sorted(glob.glob(os.path.join(SHARED_REAL, pat)))
    out = []
    for f in files:
        im = cv2.imread(f, cv2.IMREAD_COLOR)[:, :, ::-1]
        h0, w0 = im.shape[:2]
        e = {'path': os.path.relpath(f, SHARED_REAL), 'w': int(w0), 'h': int(h0), 'sha256': sha(im), 'resize': [], 'letterbox': []}
        for imgsz in (640, 320):
            t = load_resize_size(w0, h0, imgsz)
            if t:
                r = cv2.resize(np.ascontiguousarray(im), (t[0], t[1]), interpolation=INTERP[t[2]])
                e['resize'].append({'dw': t[0], 'dh': t[1], 'interp': t[2], 'sha256': sha(r)})
        for auto in (True, False):
            r_img, top, left, _ = py_letterbox(np.ascontiguousarray(im), (640, 640), auto, True, True, 32)
            e['letterbox'].append({'newShape': [640, 640], 'auto': auto, 'outW': int(r_img.shape[1]), 'outH': int(r_img.shape[0]),
                                   'top': top, 'left': left, 'sha256': sha(r_img)})
        out.append(e)
    return out


def write(name, cases):
    doc = {'generator': 'scripts/gen-cv-fixtures.py', 'opencv': cv2.__version__, 'numpy': np.__version__, 'cases': cases}
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'{name}: {len(cases)} cases', file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    cv2.setNumThreads(1)
    assert lcg_bytes_fast(1, 5000).tobytes() == lcg_bytes(1, 5000).tobytes()
    write('resize.json', gen_resize())
    write('letterbox.json', gen_letterbox())
    write('decode.json', gen_decode())
    if os.path.isdir(SHARED_REAL):
        write('real.json', gen_real())
    else:
        print('../shared/real is absent: real.json kept as it is', file=sys.stderr)


if __name__ == '__main__':
    main()
