"""The ``communique`` command (and ``python -m communique``).

A build's first press is started here, before the command line and the rest of communique
are imported, so that it imports WeasyPrint while this process reads the content
(:func:`communique.presses.start_early`).
"""

import gc
import sys


def run() -> None:
    from communique.presses import start_early

    start_early(sys.argv)
    from communique.cli import main

    try:
        main()
    finally:
        # Everything is written and flushed by now. The objects still alive are freed with the
        # process: spare the interpreter its last garbage collection over all of them (about
        # a seventh of a second after a build, as long as some whole builds take).
        gc.freeze()


if __name__ == "__main__":
    run()
