"""Compared runs: kept loss curves drawn behind the live one, and their actions."""
