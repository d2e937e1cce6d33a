"""gradviz: see how gradient descent works. `gradviz.core` is the Qt-free compute layer."""

__version__ = "0.1.0"
