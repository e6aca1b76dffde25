"""Data files that ship with bpsim: sample data sets, icons, styles (see README.md)."""
