"""The ``communique`` command (and ``python -m communique``).

A build's first press is started here, before the command line and the rest of communique
are imported, so that it imports WeasyPrint while this process reads the content
(:func:`communique.presses.start_early`).
"""

import sys


def run() -> None:
    from communique.presses import start_early

    start_early(sys.argv)
    from communique.cli import main

    main()


if __name__ == "__main__":
    run()
