{
  "targets": [
    {
      "target_name": "seqcast_native",
      "sources": ["src/addon.cc", "src/gemm.cc", "src/activate.cc", "src/fused.cc", "src/runtime.cc"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-O2", "-fno-exceptions"],
      "cflags_cc!": ["-O2", "-fno-exceptions"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fvisibility=hidden"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fvisibility=hidden", "-fexceptions"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CFLAGS": ["-ffp-contract=off", "-fno-math-errno"],
        "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off", "-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "Optimization": 2, "ExceptionHandling": 1, "AdditionalOptions": ["/fp:precise"] }
      }
    }
  ]
}
