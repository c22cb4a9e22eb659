"""Bytes written to the terminal over 10 seconds of no input, app against the bare app.

    python bench/idle.py [--seconds 10] [--data DIR]

Without --data the demo office is used.
"""

from __future__ import annotations

import argparse

from terminal import Terminal, python


def idle_bytes(argv: list[str], seconds: float) -> int:
    terminal = Terminal(argv)
    try:
        terminal.settle()
        return len(terminal.read_for(seconds))
    finally:
        terminal.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--data")
    args = parser.parse_args()
    app = python("-m", "tui.cli", *(["--data", args.data] if args.data else ["--demo"]))
    bare = idle_bytes(python("bench/bare_app.py"), args.seconds)
    ours = idle_bytes(app, args.seconds)
    print(f"idle output over {args.seconds:.0f} s: backoffice {ours} bytes, bare Textual app {bare} bytes")


if __name__ == "__main__":
    main()
