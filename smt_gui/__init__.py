"""SMT Studio: teach a language model your documents with Synthetic Mixed Training, and compare it with RAG.

The core modules here never import gradio; ``smt_gui.ui`` wires them into the app.
"""

__version__ = "0.1.0"
