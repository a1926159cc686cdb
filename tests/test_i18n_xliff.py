"""XLIFF for CAT tools: written from the PO file, validated, edited as a CAT tool would, and
merged back with the checks a build makes."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from lxml import etree
from tests.conftest import EXAMPLE, LOCATED, ROOT

from communique.cli import main
from communique.document import load
from communique.i18n import content
from communique.i18n.content import xliff
from communique.workspace import find_workspace

NS = {"x": xliff.NS2}
SLUG = EXAMPLE.name
SCHEMA = ROOT / "tests" / "fixtures" / "xliff" / "xliff-core-2.xsd"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copytree(EXAMPLE, tmp_path / "content" / SLUG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _doc(root: Path):
    doc, problems = load(root / "content" / SLUG / "statement.yaml", find_workspace(root))
    assert doc is not None, problems
    return doc


def _xlf(root: Path, lang: str = "ru") -> Path:
    return root / "content" / SLUG / "i18n" / f"{lang}.xlf"


def _po(root: Path, lang: str = "ru") -> dict[str, polib.POEntry]:
    path = root / "content" / SLUG / "i18n" / f"{lang}.po"
    return {e.msgctxt: e for e in polib.pofile(str(path)) if not e.obsolete}


def _unit(tree, context: str):
    return tree.xpath("//x:unit[@name=$c]", namespaces=NS, c=context)[0]


def test_xliff_21_is_valid_against_the_schema_and_carries_ids_notes_codes_and_states(example):
    code, out, err = _run("translate", SLUG, "--lang", "ru", "--format", "xliff")
    assert code == 0, err
    assert "ru.xlf: XLIFF 2.1, 35 unit(s): 35 translated, 0 to review, 0 to translate" in out
    tree = etree.parse(str(_xlf(example)))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(tree), schema.error_log
    root = tree.getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "ru")
    # the PO file's ids: every msgctxt is a unit's name, its id the same as a name token
    po = _po(example)
    names = [u.get("name") for u in root.iterfind(".//x:unit", NS)]
    assert names == [u.context for u in content.units(_doc(example).statement)] and set(names) == set(po)
    unit = _unit(tree, "sections/escalation/body/1")
    assert unit.get("id") == "sections.escalation.body.1"
    notes = {n.get("category"): n.text for n in unit.iterfind(".//x:note", NS)}
    assert notes["location"].endswith(f"(content/{SLUG}/statement.yaml:18)")
    assert "[@mod-az-counteroffensive] [@armgov-martial-law]" in notes["citations"]
    # citations are protected codes, in order: the first starts a sequence nothing may reorder
    codes = unit.findall("x:segment/x:target/x:pc", NS)
    assert [c.get("canReorder") for c in codes] == ["firstNo", "no"]
    assert all(c.get("canDelete") == "no" and c.get("canCopy") == "no" for c in codes)
    data = {d.get("id"): d.text for d in unit.iterfind(".//x:data", NS)}
    assert [data[c.find("x:ph", NS).get("dataRef")] for c in codes] == ["@mod-az-counteroffensive",
                                                                         "@armgov-martial-law"]
    # every dataRef points at a <data> of its unit (a constraint the schema cannot express)
    for element in root.iterfind(".//x:unit", NS):
        ids = {d.get("id") for d in element.iterfind(".//x:data", NS)}
        refs = {v for e in element.iter() for k, v in e.attrib.items() if k.startswith("dataRef")}
        assert refs <= ids
    assert unit.find("x:segment", NS).get("state") == "translated"


def test_fuzzy_and_untranslated_units_are_initial(example):
    po_file = example / "content" / SLUG / "i18n" / "ru.po"
    po = polib.pofile(str(po_file))
    for entry in po:
        if entry.msgctxt == "title":
            entry.flags.append("fuzzy")
        if entry.msgctxt == "keywords/1":
            entry.msgstr = ""
    po.save()
    xliff.export(_doc(example), "ru", find_workspace(example).display)
    tree = etree.parse(str(_xlf(example)))
    title = _unit(tree, "title").find("x:segment", NS)
    assert title.get("state") == "initial" and title.find("x:target", NS) is not None
    keyword = _unit(tree, "keywords/1").find("x:segment", NS)
    assert keyword.get("state") == "initial" and keyword.find("x:target", NS) is None


def _edit_as_a_cat_tool(path: Path, context: str, change) -> int:
    """Change a unit's target in place, as a CAT tool saves it; returns the target's line."""
    tree = etree.parse(str(path))
    target = _unit(tree, context).find("x:segment/x:target", NS)
    segment = target.getparent()
    change(target, segment)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return etree.parse(str(path)).xpath("//x:unit[@name=$c]/x:segment/x:target", namespaces=NS,
                                        c=context)[0].sourceline


def test_po_to_xliff_edited_and_back_keeps_the_citations(example):
    assert _run("translate", SLUG, "--lang", "ru", "--format", "xliff")[0] == 0
    path = _xlf(example)

    def reword(target, segment):  # the words before the first citation, reworded
        target.text = "Ожесточённые бои начались 27 сентября: так объявил Азербайджан,"
        segment.set("state", "final")
    _edit_as_a_cat_tool(path, "sections/escalation/body/1", reword)

    def review(target, segment):
        segment.set("state", "initial")
    _edit_as_a_cat_tool(path, "sections/escalation/body/2", review)
    code, out, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 0, err
    assert "ru.po: 1 translated, 1 fuzzy from content/nagorno-karabakh-2020/i18n/ru.xlf" in out
    po = _po(example)
    body = po["sections/escalation/body/1"].msgstr
    # the codes came back as the citations they stand for, in place
    assert body.startswith("Ожесточённые бои начались 27 сентября: так объявил Азербайджан,"
                           "[@mod-az-counteroffensive] а Армения")
    assert "мобилизацию.[@armgov-martial-law] По имеющимся" in body
    assert po["sections/escalation/body/1"].flags == []
    assert po["sections/escalation/body/2"].flags == ["fuzzy"]
    # and the build accepts the imported translation
    code, out, err = _run("check", SLUG)
    assert "body/1" not in err


def test_a_deleted_citation_is_caught_at_its_xliff_line_and_not_imported(example):
    _run("translate", SLUG, "--lang", "ru", "--format", "xliff")
    path = _xlf(example)
    before = _po(example)["sections/escalation/body/1"].msgstr

    def drop(target, segment):
        target.remove(target.findall("x:pc", NS)[1])
    line = _edit_as_a_cat_tool(path, "sections/escalation/body/1", drop)
    code, _out, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 1
    problems = [LOCATED.match(line_) for line_ in err.splitlines()]
    assert [(p["path"], int(p["line"]), p["sev"]) for p in problems if p] == [
        (f"content/{SLUG}/i18n/ru.xlf", line, "error")]
    assert "'sections/escalation/body/1': the translation drops the citation [@armgov-martial-law]" in err
    assert _po(example)["sections/escalation/body/1"].msgstr == before


def test_a_changed_link_is_caught(example):
    statement = example / "content" / SLUG / "statement.yaml"
    statement.write_text(statement.read_text(encoding="utf-8").replace(
        "title: Azerbaijan and Armenia", "title: Both [Azerbaijan](https://example.org/az) and Armenia"),
        encoding="utf-8")
    assert _run("translate", SLUG, "--lang", "ru", "--format", "xliff")[0] == 0
    path = _xlf(example)

    def relink(target, segment):  # copy the source, translate it, and change the link's target
        source = segment.find("x:source", NS)
        target.text = "Оба "
        for child in source:
            target.append(copy.deepcopy(child))
        target[0].text = "Азербайджан"
        target[0].tail = " и Армения должны защитить мирных жителей"
        for item in segment.getparent().iterfind("x:originalData/x:data", NS):
            item.text = item.text.replace("example.org/az", "example.org/ru")
    line = _edit_as_a_cat_tool(path, "title", relink)
    code, _, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 1
    assert f"ru.xlf:{line}:1: error: 'title': the translation drops the link to 'https://example.org/az'" in err
    assert "links to 'https://example.org/ru', which the source text does not" in err


def test_xliff_12_round_trip(example):
    code, _, err = _run("translate", SLUG, "--lang", "ar", "--format", "xliff", "--xliff-version", "1.2")
    assert code == 0, err
    path = _xlf(example, "ar")
    tree = etree.parse(str(path))
    ns12 = {"x": xliff.NS12}
    assert tree.getroot().get("version") == "1.2"
    unit = tree.xpath("//x:trans-unit[@resname='sections/escalation/body/1']", namespaces=ns12)[0]
    assert [e.text for e in unit.find("x:target", ns12) if etree.QName(e).localname == "ph"] == [
        "@mod-az-counteroffensive", "@armgov-martial-law"]
    # translate-toolkit reads it back with every unit
    from translate.storage import xliff as toolkit

    store = toolkit.xlifffile.parsefile(str(path))
    assert len(store.units) == 35
    target = unit.find("x:target", ns12)
    target.text = "في 27 سبتمبر/أيلول، نص جديد،"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    code, _out, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 0, err
    assert _po(example, "ar")["sections/escalation/body/1"].msgstr.startswith(
        "في 27 سبتمبر/أيلول، نص جديد،[@mod-az-counteroffensive]")


def test_hostile_xliff_is_refused_with_a_located_message(example):
    path = _xlf(example)
    path.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                    f'<xliff xmlns="{xliff.NS2}" version="2.1" srcLang="en"><file id="f">&a;</file></xliff>')
    code, _, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 1 and "ru.xlf:1:1: error:" in err and "DOCTYPE" in err
    path.write_text("<xliff")
    code, _, err = _run("translate", "--import", str(path.relative_to(example)))
    assert code == 1 and "invalid XLIFF file" in err and "Traceback" not in err
