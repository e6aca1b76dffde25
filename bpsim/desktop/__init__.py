"""bpsim on the desktop: the checks before Qt starts, the menu entry, icons and
file type in the user's XDG folders, and the self-test. Entry-point level: it
may use the UI; nothing below it imports this package."""
