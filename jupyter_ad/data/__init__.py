"""Data layer: readers, validation, quality report, preprocessing and bundled datasets."""
