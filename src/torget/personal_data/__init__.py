"""Personal data in records: finding it (the scanners) and who sees it whole (the policy).

A leaf package: it imports no Torget app, so every app (and the templates' filter) can use
it. The policy is written down once, in `policy.py`; `masking.py` does the masking.
"""
