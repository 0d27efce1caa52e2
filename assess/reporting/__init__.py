"""Writers of an :class:`~assess.assessment.Assessment` or a visit's :class:`~assess.session.Session`.

``json_report`` (report.json, rounding by unit), ``terminal`` (the table), ``pdf`` (the intake
summary), ``csv_export``, ``fhir`` (R4 Bundle), ``video`` and ``drawing`` (the annotated clip),
``session_outputs`` (everything a visit writes). The core imports none of them.
"""
