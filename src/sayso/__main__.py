"""`python -m sayso` runs the command line."""

from sayso.cli import main

raise SystemExit(main())
