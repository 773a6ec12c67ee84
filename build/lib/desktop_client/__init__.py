"""The product managers' desktop program: a Tkinter client of the management API (/api/v1/).

It imports nothing of Django and needs only the standard library and matplotlib, so it installs on its own
(see desktop_client/pyproject.toml and docs/desktop.md).
"""

__version__ = "1.0.0"
