{
  "targets": [
    {
      "target_name": "taco_native",
      "sources": ["addon.cc", "conv.cc", "bn_act.cc", "eltwise.cc", "optim.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fopenmp", "-fexceptions", "-fno-trapping-math", "-fno-math-errno"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
