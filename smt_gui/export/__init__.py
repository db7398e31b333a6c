"""Take a tuned model out of the app: GGUF files for llama.cpp / Ollama (full model or LoRA adapter) and a Modelfile."""

CONVERTER_TYPES = ("f32", "f16", "bf16", "q8_0")  # written by llama.cpp's converter itself
QUANT_TYPES = ("q4_0", "q4_k_m", "q5_k_m", "q6_k")  # f16 first, then llama.cpp's quantiser
GGUF_TYPES = (*CONVERTER_TYPES, *QUANT_TYPES)
