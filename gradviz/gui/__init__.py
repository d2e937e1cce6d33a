"""gradviz.gui: the Qt layer. Only this package imports PySide6 and pyqtgraph."""
