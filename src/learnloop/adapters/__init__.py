"""Standards adapters, each independent of the others and of storage: ``xapi`` (issue 4) and ``lti``.

Empty until the first adapter lands; the layer exists so that the import contract holds from the
start.
"""
