"""Tiny embedded world for the CPU demo: hand-written math texts, problems, benchmark emitters."""
