"""The `leadapp` command line: db, seed, import, bench, check, mail.

Each command lives in leadapp/commands/<name>.py with `add_parser(subparsers)`;
the parser's `func(args)` runs it and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import leadapp.commands as commands_pkg


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadapp", description="leadapp lead-management CRM")
    sub = parser.add_subparsers(dest="command", required=True)
    for mod in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        importlib.import_module(f"leadapp.commands.{mod.name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
