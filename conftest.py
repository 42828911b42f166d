"""Reproducible notebook runs however pytest is started (make test, plain pytest, an IDE).

nbval starts a Jupyter kernel per notebook, and kernels inherit this process's environment:
a fixed hash seed keeps printed sets and dicts in one order, and one BLAS thread keeps float
text stable between runs (DESIGN §5–6). Values already set by the caller win.
"""
import os

os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
