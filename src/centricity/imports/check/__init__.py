"""Check: decide what each row means and whether it can be loaded.

`mapping.py` maps the file's headers to the kind's fields, matching the names in
`synonyms.py` (headers and values as exports write them, in every supported language);
`fields.py` parses each mapped column into typed values; `validate.py` checks a whole
batch against the kind (typed values for good rows, reasons for bad ones); `seen.py`
remembers the keys already read, so a key repeated within the file is quarantined; and
`references.py` resolves the records a row names (a customer number) to their ids.
"""
