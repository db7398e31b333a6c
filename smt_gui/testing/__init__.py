"""Helpers that drive SMT Studio from outside, shared by the test suite and the benchmarks (which must not import
``tests/``): the app on a free loopback port and the headless browser's settings (``app``), the README's walk
through the sample in a browser (``walk``, needs the ``playwright`` dev dependency), and rows written straight
into a project for tests that need samples without generating them (``samples``)."""
