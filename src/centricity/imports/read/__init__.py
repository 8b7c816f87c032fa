"""Read: turn an uploaded file into batches of String rows, whatever its format.

`readers.py` decides how to open a file (format, encoding, delimiter, whether a workbook
is safe to unpack), helped by `detect.py`, which guesses what the file does not say
(encoding, delimiter, decimal mark, date order). The readers themselves are
`csvsource.py` (CSV/TSV), `xlsxsource.py` (XLSX, bounded against decompression bombs),
`parquetsource.py` (Parquet, bounded in memory) and `sources.py` (JSON Lines, plus the
cell-to-text rules every reader shares). Every reader yields the frames described in
`frames.py`, so the later stages never care where a row came from.
"""
