"""Surveys: NPS, CSAT, CES and custom questions, answered on public localised pages."""
