"""Run eark-validator's command line without a network: `python eark_offline.py [ARGS] PACKAGE`.

Why this exists: eark-validator 1.1.3 builds its Schematron vocabulary tests when its module
`eark_validator.ipxml.schematron` is imported, by reading four vocabulary XML files with
`urllib.request.urlopen` from https://earkcsip.dilcis.eu/schema/. Torget has no network in
its tests, and many archives validate on machines without one, so the import would fail
there. The same four files ship inside the eark_validator package (ipxml/resources/vocabs/),
so this script answers those four URLs from the bundled copies and refuses every other URL
and every other network connection: a validation run never depends on, or silently falls
back to, anything outside the installed package. If a future eark-validator asks for a
vocabulary it does not bundle, the run stops with an error naming the URL.

The script runs in eark-validator's own virtual environment (it pins an older lxml than
Torget's), so it imports nothing from Torget or Django. `torget.preservation.validate.eark`
starts it as a subprocess and reads the JSON report it prints. Arguments are passed on to
`eark_validator.cli.app.main` unchanged; its exit status is the script's.
"""

import importlib.util
import io
import socket
import sys
import urllib.request
from pathlib import Path

VOCABULARY_BASE = "https://earkcsip.dilcis.eu/schema/"


class NetworkRefused(OSError):
    """The validator asked for something from the network, which this run never allows."""


def vocabulary_folder() -> Path:
    """The vocabulary files bundled with the installed eark_validator package.

    Found without importing eark_validator: importing its submodules is what would fetch.
    """
    spec = importlib.util.find_spec("eark_validator")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("eark_offline: eark_validator is not installed in this Python.")
    folder = Path(next(iter(spec.submodule_search_locations))) / "ipxml" / "resources" / "vocabs"
    if not folder.is_dir():
        raise SystemExit(f"eark_offline: the bundled vocabularies are missing: {folder}")
    return folder


def install(folder: Path) -> None:
    """Serve the vocabulary URLs from `folder`; refuse every other URL and connection."""

    def urlopen(url, *args, **kwargs):
        address = url.full_url if isinstance(url, urllib.request.Request) else str(url)
        name = address[len(VOCABULARY_BASE) :]
        if address.startswith(VOCABULARY_BASE) and "/" not in name and name:
            path = folder / name
            if path.is_file():
                return io.BytesIO(path.read_bytes())
            raise NetworkRefused(
                f"eark_offline: {address} is not bundled with eark_validator ({folder}); "
                "refusing to fetch it from the network."
            )
        raise NetworkRefused(f"eark_offline: refusing network access to {address}.")

    def create_connection(address, *args, **kwargs):
        raise NetworkRefused(f"eark_offline: refusing network connection to {address}.")

    urllib.request.urlopen = urlopen
    socket.create_connection = create_connection


def main() -> int:
    install(vocabulary_folder())
    # Imported only now: the import is what reads the vocabularies.
    from eark_validator.cli.app import main as validator_main

    sys.argv[0] = "eark-validator"
    validator_main()  # ends with sys.exit(status), which passes through as ours
    return 0


if __name__ == "__main__":
    sys.exit(main())
