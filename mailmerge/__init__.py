"""Word letter templates (MERGEFIELDs) merged with CRM data into .docx, in French (C3.3).

`Template.open(path)` reads and compiles a .docx; `merge_one` and `merge_batch` produce the
letters; `read_records` reads CSV/JSON data; `preview_record` shows a letter as text;
`convert_to_pdf` goes through LibreOffice. Errors are `MergeError`s with French messages.
"""

from mailmerge.batch import BatchResult, merge_batch, merge_one
from mailmerge.data import read_one, read_records
from mailmerge.engine import CheckReport, FieldInfo, Template
from mailmerge.errors import DataError, MergeError, MissingValuesError, OutputError, TemplateError
from mailmerge.pdf import convert_to_pdf, find_soffice
from mailmerge.preview import preview_file, preview_record
from mailmerge.variables import VOCABULARY, Variable

__all__ = [
    "VOCABULARY",
    "BatchResult",
    "CheckReport",
    "DataError",
    "FieldInfo",
    "MergeError",
    "MissingValuesError",
    "OutputError",
    "Template",
    "TemplateError",
    "Variable",
    "convert_to_pdf",
    "find_soffice",
    "merge_batch",
    "merge_one",
    "preview_file",
    "preview_record",
    "read_one",
    "read_records",
]
