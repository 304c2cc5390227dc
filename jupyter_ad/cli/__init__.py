"""The ``jupyter-ad`` command line."""
