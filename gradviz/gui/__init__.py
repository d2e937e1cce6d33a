"""gradviz.gui: the Qt layer. Only this package imports PySide6 and pyqtgraph."""

from .app import create_window

__all__ = ["create_window"]
