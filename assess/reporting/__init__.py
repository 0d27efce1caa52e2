"""Reports built from analysis results: ``report.json`` now; PDF, CSV and FHIR later."""
