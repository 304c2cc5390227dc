"""``python -m jupyter_ad.docs_gen docs/algorithms``."""

from jupyter_ad.docs_gen import main

raise SystemExit(main())
