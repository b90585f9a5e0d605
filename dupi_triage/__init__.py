"""dupi-triage: a questionnaire for new or worse rashes during dupilumab treatment."""

__version__ = "0.1.0"
PROG = "dupi-triage"
