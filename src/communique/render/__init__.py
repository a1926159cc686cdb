"""From HTML to a checked PDF: Jinja2 rendering, WeasyPrint in its sandbox, the checks after
layout and of the finished file, the first-page picture."""
