"""Slides for export: rendered offscreen, written as PNG files and GIFs."""
