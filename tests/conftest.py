"""Shared test set-up. Qt runs offscreen: set before anything imports Qt."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# autosaves and crash logs of the app under test go to a folder of their own
os.environ.setdefault("BPSIM_DATA_DIR", tempfile.mkdtemp(prefix="bpsim-tests-data-"))
