"""docs/extending.md names the places a developer extends: each ``file::name``
it cites must still be there (a file of the repository defining a class or a
function of that name), and its example must compile against the real imports."""

import ast
import importlib
import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "extending.md"
REFERENCE = re.compile(r"`([\w/.]+\.py)::(\w+)`")
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def defined_names(path):
    """Every class and function name ``path`` defines, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    }


class TestExtendingGuide(unittest.TestCase):
    def setUp(self):
        self.text = GUIDE.read_text(encoding="utf-8")

    def test_every_cited_name_is_defined_where_the_guide_says(self):
        references = REFERENCE.findall(self.text)
        self.assertGreater(len(references), 40)
        missing = [
            f"{file}::{name}"
            for file, name in references
            if not (ROOT / file).is_file() or name not in defined_names(ROOT / file)
        ]
        self.assertEqual(missing, [], "docs/extending.md cites what is not there")

    def test_example_compiles_and_its_imports_resolve(self):
        blocks = BLOCK.findall(self.text)
        self.assertTrue(blocks)
        for block in blocks:
            tree = compile(block, str(GUIDE), "exec", ast.PyCF_ONLY_AST)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    module = importlib.import_module(node.module)
                    for alias in node.names:
                        self.assertTrue(
                            hasattr(module, alias.name), f"{node.module}.{alias.name}"
                        )
