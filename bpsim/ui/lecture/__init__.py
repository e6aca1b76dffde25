"""Giving a lecture: bookmarks and their walk, go to, presenter mode."""
