"""learnloop: a self-hostable personalized-learning platform.

The package is layered (see docs/architecture.md); nothing here does work at import time.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
