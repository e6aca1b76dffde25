"""Never crash, never lose work: the global exception hook and its log,
autosave and recovery after a crash, and reading big files off the GUI
thread."""
