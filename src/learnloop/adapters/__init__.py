"""Standards adapters, each independent of the others and of storage: ``xapi`` (statements,
issue 4) and ``lti`` (LTI 1.3 launches)."""
