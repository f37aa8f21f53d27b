"""``python -m bedrock_emulator`` (with ``emulator/`` on the path) or ``python emulator/bedrock_emulator``:
serve until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if not __package__:  # run as a folder: its parent holds the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bedrock_emulator
from bedrock_emulator import BedrockEmulator


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="bedrock_emulator", description=(bedrock_emulator.__doc__ or "").split("\n\n", 1)[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    emulator = BedrockEmulator(args.host, args.port)
    print(f"Bedrock emulator listening on {emulator.url}", flush=True)
    emulator.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()
