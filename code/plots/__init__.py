"""The report's figures, one module per group of results files (``code/figures.py`` draws them all)."""
