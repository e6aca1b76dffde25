"""bpsim's user interface: PySide6 widgets and pyqtgraph plots that draw model data."""
