"""The oracle: Excel's own answers, from workbooks Excel computed and saved.

The workbooks come from the source distributions other open-source Excel engines
publish on PyPI for their own tests; they are fetched at test time with pip (never
committed here) and checked against pinned SHA-256 digests:

* **xlcalculator 0.5.0** (MIT License, © 2020 Bradley van Ree), ``tests/resources/*.xlsx``:
  55 workbooks saved by Microsoft Excel 16 and 9 saved by LibreOffice 6.4;
* **formulas 1.2.3** (EUPL 1.1, © European Union / Vincenzo Arcidiacono),
  ``test/test_files/*.xlsx``: 5 workbooks saved by Microsoft Excel for Mac, among them
  ``test.xlsx`` with ~4,000 formulas applying each function to numbers, blanks, texts,
  booleans and every error value.

Every formula cell's cached value is the answer of the application that saved the
file (``docProps/app.xml`` names it: Excel or LibreOffice).  pycel's test workbooks are
not in its source distributions on PyPI, and Apache POI's test data is not on a
package registry, so neither is used.
"""
