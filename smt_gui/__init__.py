"""SMT Studio: teach a language model your documents with Synthetic Mixed Training, and compare it with RAG.

The core modules here never import gradio; ``smt_gui.ui`` wires them into the app.
"""

import logging

__version__ = "0.1.0"

# On CPUs with AVX512-BF16, bitsandbytes tries to fetch an optional 4-bit kernel from the Hugging Face hub at import
# and logs "Failed to load CPU gemm_4bit_forward from kernels-community" when it cannot (always, offline). Its own
# CPU kernels are used instead and QLoRA works; the line only alarms users, so it is silenced here.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
