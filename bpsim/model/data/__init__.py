"""Data: the data set container, its generators, CSV files and the presets."""
