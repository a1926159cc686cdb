"""The outputs of an edition: each one a module, registered here by name.

An edition (a statement in one language) is made into several outputs: the web page
(:mod:`.web`), the print PDF (:mod:`.print`), the data a researcher can reuse (:mod:`.data`),
the Word edition (:mod:`.docx`, made only when ``[documents] outputs`` names it).
Each is an :class:`Output`: it makes its files for one edition from an :class:`EditionContext`
and returns them as bytes (:class:`Made`); its problems go to the context's list, in the order
they are found. The build writes every file of
every output only once all of them are made without error, so an edition is written whole or
not at all, and the outputs never write anything themselves.

An output that needs the PDF printer (a press, :mod:`communique.presses`) yields a
:class:`~communique.render.pdf.PrintRequest`, then :data:`~communique.presses.AWAIT`, and
receives the :class:`~communique.render.pdf.Printout`; the others simply return. Outputs are
made in the order of :func:`registry`: the print output asks for its printout first, so the
press prints while the web page is rendered.

Adding an output is one module with a class like these and its line in :func:`registry`; see
docs/architecture.md for a worked example.
"""

from __future__ import annotations

from communique.outputs.base import EditionContext, Made, Output, Steps

__all__ = ["EditionContext", "Made", "Output", "Steps", "registry"]


def registry() -> dict[str, Output]:
    """Every output by name, in the order they are made (the print output first: its press
    prints while the others are made)."""
    from communique.outputs.data import DataOutput
    from communique.outputs.docx import DocxOutput
    from communique.outputs.print import PrintOutput
    from communique.outputs.web import WebOutput

    made: list[Output] = [PrintOutput(), WebOutput(), DataOutput(), DocxOutput()]
    return {output.name: output for output in made}
