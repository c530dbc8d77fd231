"""Word letter templates (MERGEFIELDs) merged with CRM data into .docx, in French."""
