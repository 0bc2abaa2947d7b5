"""The channel register (R1), its public list (R2) and, later, risk assessments (R3)."""
