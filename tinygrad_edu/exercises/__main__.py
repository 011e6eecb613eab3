"""``python -m tinygrad_edu.exercises``: see :mod:`tinygrad_edu.exercises.cli`."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
