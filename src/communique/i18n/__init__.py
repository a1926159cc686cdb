"""Editions in other languages: template strings, translated content, and locale rules.

``ui`` holds the gettext catalogs of the templates' own words ("Background", "Notes"),
``content`` the per-statement PO files translators work in, and ``locale`` what a language
implies for layout: direction, digits, hyphenation.
"""
