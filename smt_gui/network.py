"""Which addresses keep a server on this machine: the app and ``smt serve`` need auth / an API key for any other."""

from __future__ import annotations

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
