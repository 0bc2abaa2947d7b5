"""Organisations (tenants), units, people, roles and the audit log."""
