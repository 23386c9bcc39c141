"""The fuzz harness: every entry point fed generated and mutated input for N minutes.

``python -m tests.fuzz --minutes N [--target NAME] [--engine hypothesis|atheris]``
runs each target (or one) for N minutes: atheris (coverage-guided, libFuzzer) where
it is installed and asked for, else hypothesis with no deadline. It is not part of the
default test run; ``tests/test_fuzz_smoke.py`` runs a few examples of each target
there, so a target that stops working is noticed. Targets live in
:mod:`tests.fuzz.targets`; the figures of a run are in docs/safety.md.
"""
