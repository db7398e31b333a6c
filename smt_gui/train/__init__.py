"""Mixed training: build the QA + document + replay mixture, train in a subprocess, merge/export adapters."""
