"""The network view and its parts: paint, style, units, edge levels, legend."""
