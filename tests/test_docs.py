"""The README and docs/ say only what is there: every link and every path they name resolves, and
every test they name as a claim's proof exists."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_LEVEL = (
    "ifex/",
    "articles/",
    "campaigns/",
    "cases/",
    "templates/",
    "static/",
    "tests/",
    "docs/",
    "locale/",
    ".ci/",
)
TOP_FILES = {
    "Makefile",
    "README.md",
    "manage.py",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements.lock",
    "requirements-dev.lock",
    ".env.example",
    "pyproject.toml",
}
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")


def named_paths(text: str) -> set[str]:
    """Repository paths written in backticks, with a test's name after `::` where given."""
    found = set()
    for token in CODE.findall(text):
        token = token.rstrip(".,:;")
        if token.startswith(TOP_LEVEL) or token.split("::")[0] in TOP_FILES:
            found.add(token)
    return found


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def test_there_is_a_document_for_each_reader_and_the_readme_leads_to_each():
    readme = (ROOT / "README.md").read_text()
    docs = {path.name for path in DOCUMENTS[1:]}
    assert {"operating.md", "developing.md", "data-and-api.md", "staff-handbook.md"} <= docs
    for name in docs:
        assert f"docs/{name}" in readme, f"README.md does not lead to docs/{name}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_link_resolves(document):
    broken = []
    for target in LINK.findall(document.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # an outside address or an anchor in the same page
        if not (document.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert not broken, f"{document.name} links to what is not there: {broken}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_path_and_named_test_exists(document):
    missing = []
    for token in named_paths(document.read_text()):
        path_text, _, name = token.partition("::")
        path = ROOT / path_text.rstrip("/")
        if any(mark in path_text for mark in "*<{"):
            continue  # a pattern, not one file
        if not path.exists() or (name and name.split("[")[0] not in functions_in(path)):
            missing.append(token)
    assert not missing, f"{document.name} names what is not there: {sorted(missing)}"


def test_the_checks_above_catch_a_missing_path_and_a_missing_test():
    text = "`ifex/no_such_module.py` and `tests/test_docs.py::test_that_does_not_exist`"
    tokens = named_paths(text)
    assert tokens == {"ifex/no_such_module.py", "tests/test_docs.py::test_that_does_not_exist"}
    assert not (ROOT / "ifex/no_such_module.py").exists()
    assert "test_that_does_not_exist" not in functions_in(ROOT / "tests/test_docs.py")
