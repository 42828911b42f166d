"""Neural Networks, Derived and Verified — the companion package.

Vectorized NumPy reference implementations used by the course notebooks. Each module holds one
concept; import what a chapter needs, e.g. ``from companion.activations import sigmoid``.
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
