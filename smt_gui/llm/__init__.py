"""Model backends and the bundled offline models."""
