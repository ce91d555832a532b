"""The shape of the code, as README's "How the code is laid out" states it: layers that point one
way, no cycles between the modules of an app, no import tucked into a function to dodge a
cycle, small modules, migrations that match the models."""

from __future__ import annotations

import ast
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "wenku"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 500


def _lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )


def test_apps_import_only_the_layers_below_them_and_no_app_has_an_import_cycle():
    run = _lint_imports()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_the_layer_check_sees_an_import_that_points_up(tmp_path):
    # The same check with library put above web: web's imports of library now point up.
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "wenku"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\ntype = "layers"\nlayers = ["wenku.library", "wenku.web"]\n'
    )
    run = _lint_imports("--config", str(config))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "wenku.web.views.document -> wenku.library" in run.stdout


def _function_imports(tree: ast.AST):
    """(import node, name of the function it is in) for every import inside a function."""
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield node, func.name


def _imports_wenku(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("wenku")
    return any(alias.name.startswith("wenku") for alias in node.names)


def test_no_import_of_our_own_code_hides_in_a_function():
    """Except in an AppConfig's ready() and warm_up() (Django's place for them), and lazy
    imports of heavy libraries that say so with a `lazy:` comment."""
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text()
        lines = source.splitlines()
        for node, function in _function_imports(ast.parse(source)):
            if not _imports_wenku(node) or function in {"ready", "warm_up"}:
                continue
            if "lazy:" in lines[node.lineno - 1]:
                continue
            hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} in {function}()")
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long


def test_the_package_holds_no_test_generators_and_no_data_of_a_run():
    assert not (PACKAGE / "samples" / "hostile.py").exists()
    assert not list(PACKAGE.rglob("secret_key")), "a data folder was created inside the package"


@pytest.mark.django_db
def test_the_migrations_describe_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_status:
        pytest.fail(
            f"models changed without a migration (exit {exit_status.code}):\n{out.getvalue()}"
        )
