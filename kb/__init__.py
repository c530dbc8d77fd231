"""The knowledge bases: full-text search (tantivy) over the company's documentation."""
