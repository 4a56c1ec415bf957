"""FHIR R4 adapters: the symptom report as a Questionnaire, answers back to reports."""
