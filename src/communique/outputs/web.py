"""The web edition: ``build/<slug>/<lang>/index.html``."""

from __future__ import annotations

from pathlib import Path

from communique.outputs.base import EditionContext, Made, Steps


class WebOutput:
    """The statement as a web page, linking to its other languages."""

    name = "web"
    label = "web page"  # in the build report

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / "index.html"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        from communique.render.html import render

        yield from ()  # (nothing to print)
        web = render(ctx.doc, ctx.workspace, "web", fallback=ctx.fallback, strings=ctx.strings,
                     languages=ctx.languages)
        ctx.problems.extend(web.problems)
        return Made({self.path(ctx): web.html.encode("utf-8")}, notes=web.notes)
