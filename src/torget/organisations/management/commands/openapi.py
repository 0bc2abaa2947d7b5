"""torget openapi: print the API's OpenAPI schema (committed as docs/openapi.json)."""

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the OpenAPI 3.1 schema of Torget's API."

    def handle(self, *args, **options) -> None:
        from torget.api import api

        self.stdout.write(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False))
