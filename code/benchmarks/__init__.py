"""The pieces of ``make bench`` (``code/bench.py``): the workloads and their data
(:mod:`benchmarks.workloads`), the contenders that train on them
(:mod:`benchmarks.contenders`), the measurements (:mod:`benchmarks.measure`)
and the printed table (:mod:`benchmarks.table`)."""
