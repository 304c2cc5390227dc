"""``python -m jupyter_ad`` runs the command line."""

from jupyter_ad.cli.main import main

raise SystemExit(main())
