"""Benchmarks of the telemarketing centre: payments, chat, pages, management API and call queue.

Run them all with ``python -m bench`` (``--quick`` for a short run); docs/benchmarks.md explains what each
one measures, against which baseline, and the figures of the last full run (bench/results/).
"""
