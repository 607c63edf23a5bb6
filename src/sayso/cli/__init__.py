"""The `sayso` command line: one module per command group, loaded only when used."""

from __future__ import annotations

import argparse
import importlib
import sys

from sayso import __version__

# command name -> module under sayso.cli that defines add_arguments(parser) and run(args) -> int
COMMANDS: dict[str, tuple[str, str]] = {
    "articles": ("articles", "extract the article (metadata and clean text) from each input"),
    "extract": ("extract", "full analysis of each article: entities and attributions"),
    "ingest": ("ledger", "analyse inputs and store them in the ledger"),
    "search": ("ledger", "full-text search over the ledger's claims"),
    "speakers": ("ledger", "list the ledger's speakers"),
    "speaker": ("ledger", "one speaker's timeline"),
    "outlets": ("ledger", "list the ledger's outlets"),
    "claim": ("ledger", "one claim: who reported it first, who echoes it, who denies it"),
    "export": ("ledger", "export attributions with their article metadata"),
    "serve": ("serve", "web UI and HTTP API over the ledger"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; only the named command's module is imported."""
    parser = argparse.ArgumentParser(
        prog="sayso", description="On whose say-so? A ledger of attributed claims."
    )
    parser.add_argument("--version", action="version", version=f"sayso {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(f"sayso.cli.{module_name}")
            module.add_arguments(name, sub_parser)
            sub_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 some input failed, 2 usage error)."""
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    return args.run(args)
