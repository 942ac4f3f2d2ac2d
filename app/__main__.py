"""`python -m app` runs the command-line interface."""

from app.cli import main

if __name__ == "__main__":
    main()
