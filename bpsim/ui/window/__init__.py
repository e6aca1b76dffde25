"""The main window, its controllers, actions and dialogs."""
