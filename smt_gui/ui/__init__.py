"""Gradio wiring: one small module per tab, each a thin caller of the core functions."""
