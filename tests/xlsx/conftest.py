from engine._book import vba_bytes, xlsm  # noqa: F401  (fixtures)
