# The GPU kernel module imports CuPy at import time; it is exercised on the device machine
# (benchmarks/coverage_gpu.py), not collected for doctests on machines without a GPU.
collect_ignore = ["src/satsov/visibility/kernel_cuda.py"]
