"""IMS QTI into a course folder: a content package with a manifest, QTI 2.1, 2.2 and 3.0 items of
every kind learnloop grades, graded as their responses say; refused items named by file and line;
entities refused, never expanded; nothing written when anything is wrong. The QTI files under
tests/fixtures/qti were written for these tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.content import load_course
from learnloop.content.qti import add_qti_to_course, read_qti
from learnloop.domain import grade
from learnloop.exceptions import ContentError
from tests.content.course_factory import PNG, write_course

FIXTURES = Path(__file__).parents[1] / "fixtures" / "qti"
GRADED = ["halves", "equivalent", "decimal", "denominator", "smallest-first", "where-on-the-line"]


def package(tmp_path: Path, names: list[str], *, manifest: bool = True) -> Path:
    path = tmp_path / "Fractions Bank.zip"
    resources = "".join(
        f'<resource identifier="r{i}" type="imsqti_item_xmlv2p1" href="items/{n}.xml">'
        f'<file href="items/{n}.xml"/></resource>'
        for i, n in enumerate(names)
    )
    with zipfile.ZipFile(path, "w") as z:
        if manifest:
            z.writestr(
                "imsmanifest.xml",
                '<?xml version="1.0"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
                f'identifier="m"><organizations/><resources>{resources}'
                '<resource identifier="web" type="webcontent" href="img/strip.png"/>'
                "</resources></manifest>",
            )
        for n in names:
            z.writestr(f"items/{n}.xml", (FIXTURES / f"{n}.xml").read_bytes())
    return path


def test_a_package_becomes_items_that_grade_as_their_qti_responses_say(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "course")
    items_file, activity_file, n = add_qti_to_course(
        course_dir, package(tmp_path, GRADED), objective="a"
    )
    assert (n, items_file.name, activity_file.name) == (
        6,
        "fractions-bank.yaml",
        "fractions-bank-questions.md",
    )
    course = load_course(course_dir)
    keys = list(course.activities["fractions-bank-questions"].items)
    assert keys == [
        "fractions-bank-halves", "fractions-bank-equiv-2", "fractions-bank-decimal",
        "fractions-bank-name-bottom", "fractions-bank-order-1", "fractions-bank-match-1",
    ]  # fmt: skip
    halves, equivalent, decimal, name, order, match = (course.items[k] for k in keys)
    assert [i.kind.value for i in (halves, equivalent, decimal, name, order, match)] == [
        "single_choice", "multiple_choice", "numeric", "short_text", "ordering", "matching",
    ]  # fmt: skip
    assert "<strong>1/2</strong>" in halves.prompt
    wrong = grade(halves, "b")  # choices are keyed a, b, c in the order written
    assert not wrong.correct
    assert "three of them make a whole" in " ".join(wrong.feedback)
    assert grade(halves, "a").correct
    assert halves.hints == ("Cut a pizza in two and another in three: compare one piece of each.",)
    assert grade(equivalent, ["a", "c"]).correct
    assert not grade(equivalent, ["a"]).correct
    assert "Which fractions equal 1/2?" in equivalent.prompt
    assert grade(decimal, "0.7505").correct  # the QTI tolerance, 0.001
    assert not grade(decimal, "0.76").correct
    assert grade(name, "The denominator").correct
    assert not grade(name, "numerator").correct  # mapped to 0: not an accepted answer
    assert order.order == ("1/5", "1/3", "1/2")
    assert [(left, right) for left, right in match.pairs] == [
        ("1/8", "close to 0"),
        ("1/2", "exactly halfway"),
    ]
    assert match.distractors == ("more than 1",)


def test_one_item_file_imports_alone(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "course")
    _, _, n = add_qti_to_course(course_dir, FIXTURES / "denominator.xml", objective="b")
    assert n == 1
    assert "denominator-name-bottom" in load_course(course_dir).items


def test_what_learnloop_does_not_grade_is_refused_with_its_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    course_dir = write_course(tmp_path / "course")
    before = sorted(p.name for p in course_dir.rglob("*"))
    with pytest.raises(ContentError) as info:
        add_qti_to_course(course_dir, package(tmp_path, ["halves", "essay", "entity"]), "a")
    messages = [(i.file, i.line, i.message) for i in info.value.issues]
    assert messages[0] == (
        "Fractions Bank.zip:items/essay.xml", 7,
        "extendedTextInteraction is not supported: learnloop grades choice, text entry, order "
        "and match",
    )  # fmt: skip
    assert messages[1][0] == "Fractions Bank.zip:items/entity.xml"
    assert messages[1][2].startswith("refused: the XML declares entities")
    assert sorted(p.name for p in course_dir.rglob("*")) == before


def test_broken_xml_and_bad_packages_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(
        '<?xml version="1.0"?>\n<assessmentItem identifier="x">\n  <itemBody>\n</assessmentItem>\n'
    )
    with pytest.raises(ContentError) as info:
        read_qti(broken, prefix="b", objective="a")
    [issue] = info.value.issues
    assert (issue.file, issue.line) == ("broken.xml", 4)
    assert issue.message.startswith("not well-formed XML: mismatched tag")
    lonely = tmp_path / "lonely.zip"
    with zipfile.ZipFile(lonely, "w") as z:
        z.writestr(
            "imsmanifest.xml",
            '<manifest><resources><resource type="imsqti_item_xmlv2p1" href="q.xml"/>'
            "</resources></manifest>",
        )
    with pytest.raises(ContentError, match=r"names 'q\.xml', which is not in it"):
        read_qti(lonely, prefix="l", objective="a")
    with pytest.raises(ContentError, match="no QTI items in it"):
        read_qti(package(tmp_path, []), prefix="e", objective="a")


def test_no_manifest_reads_every_xml_file(tmp_path: Path) -> None:
    items = read_qti(
        package(tmp_path, ["decimal", "halves"], manifest=False), prefix="p", objective="a"
    )
    assert [i["id"] for i in items] == ["p-decimal", "p-halves"]  # by file name


def test_the_command_writes_or_says_why_not(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "course")
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "import-qti",
            str(FIXTURES / "halves.xml"),
            "--course",
            str(course_dir),
            "--objective",
            "a",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "1 items written" in ok.output
    again = runner.invoke(
        app,
        [
            "import-qti",
            str(FIXTURES / "halves.xml"),
            "--course",
            str(course_dir),
            "--objective",
            "a",
        ],
    )
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert "Nothing was written." in again.output


def test_a_choice_scored_by_its_mapping_alone_takes_the_positive_values(tmp_path: Path) -> None:
    item = tmp_path / "mapped.xml"
    item.write_text(
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="m1">'
        '<responseDeclaration identifier="R" cardinality="multiple" baseType="identifier">'
        '<mapping><mapEntry mapKey="a" mappedValue="1"/><mapEntry mapKey="b" mappedValue="-1"/>'
        '<mapEntry mapKey="c" mappedValue="1"/></mapping></responseDeclaration>'
        '<itemBody><choiceInteraction responseIdentifier="R"><prompt>Which equal 1/2?</prompt>'
        '<simpleChoice identifier="a">2/4</simpleChoice><simpleChoice identifier="b">1/3</simpleChoice>'
        '<simpleChoice identifier="c">3/6</simpleChoice></choiceInteraction></itemBody>'
        "</assessmentItem>"
    )
    [read] = read_qti(item, prefix="x", objective="a")
    assert read["type"] == "multiple_choice"
    assert [c["correct"] for c in read["choices"]] == [True, False, True]


def picture_package(tmp_path: Path, *, with_files: bool = True) -> Path:
    """The halves item showing a strip in its question and a picture in a choice, its images
    beside the items folder, as QTI authoring tools lay packages out."""
    xml = (FIXTURES / "halves.xml").read_text()
    xml = xml.replace(
        "<p>Which is bigger: <strong>1/2</strong> or 1/3?</p>",
        "<p>Which is bigger: <strong>1/2</strong> or 1/3?</p>"
        '<p><img src="../img/strip%20one.png" alt="a strip in halves"/></p>',
    ).replace(
        ">1/3<feedbackInline", '>1/3 <img src="../img/third.png" alt="a third"/><feedbackInline'
    )
    path = tmp_path / "Pictures.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("items/halves.xml", xml)
        if with_files:
            z.writestr("img/strip one.png", PNG)  # the link says %20
            z.writestr("img/third.png", PNG)
    return path


def test_the_images_an_item_shows_come_into_the_courses_media(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "course")
    add_qti_to_course(course_dir, picture_package(tmp_path), objective="a")
    copied = sorted(p.relative_to(course_dir).as_posix()
                    for p in (course_dir / "media").rglob("*") if p.is_file())  # fmt: skip
    assert copied == ["media/pictures/img/strip-one.png", "media/pictures/img/third.png"]
    assert (course_dir / "media" / "pictures" / "img" / "third.png").read_bytes() == PNG
    course = load_course(course_dir)
    item = course.items["pictures-halves"]
    assert (
        '<img src="/media/mini/pictures/img/strip-one.png" alt="a strip in halves">' in item.prompt
    )
    assert '<img src="/media/mini/pictures/img/third.png" alt="a third">' in item.choices[1].text
    assert set(course.media) == {"pictures/img/strip-one.png", "pictures/img/third.png"}


def test_an_image_missing_from_the_package_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "course")
    before = sorted(p.name for p in course_dir.rglob("*"))
    with pytest.raises(ContentError) as info:
        add_qti_to_course(course_dir, picture_package(tmp_path, with_files=False), "a")
    assert [(i.file, i.message) for i in info.value.issues] == [
        (
            "Pictures.zip:items/halves.xml",
            "shows ../img/strip%20one.png, which is not in the package",
        ),
        ("Pictures.zip:items/halves.xml", "shows ../img/third.png, which is not in the package"),
    ]
    assert sorted(p.name for p in course_dir.rglob("*")) == before
