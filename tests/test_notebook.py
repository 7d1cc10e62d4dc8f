"""The group-affiliates notebook runs top to bottom as shipped, and shows the groups and relations."""
from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "group-affiliates.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed in a fresh kernel, from a scratch folder, with no extra articles."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    folder = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CONFLICTKG_ARTICLES", raising=False)
        NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def outputs(nb, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and mime == "text/plain":
                found.append(out.text)
            elif mime in out.get("data", {}):
                found.append(out["data"][mime])
    return found


def test_the_shipped_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def test_every_cell_runs_without_error(executed):
    errors = [out for cell in executed.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors == []
    assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")


def test_it_shows_the_groups_and_their_relations(executed):
    tables = re.sub(r"<[^>]+>", " ", " ".join(h for h in outputs(executed, "text/html") if "<iframe" not in h))
    for name in ("Tehreek-e-Taliban Pakistan", "Tehreek-e-Jihad Pakistan", "Afghan Taliban",
                 "Islamic State Khorasan Province"):
        assert name in tables
    assert "splinterOf" in tables and "alliedWith" in tables and "affiliateOf" in tables
    # TJP's family reaches the Afghan Taliban through TTP's alliance
    assert ("Tehreek-e-Jihad Pakistan splinterOf Tehreek-e-Taliban Pakistan; "
            "Tehreek-e-Taliban Pakistan alliedWith Afghan Taliban") in tables
    assert "Daraban" in tables  # an attack claimed by TTP's family
    assert "article: 002_1b6b5cd637d6ab71.txt" in tables and "registry: " in tables  # the sources of edges
    assert "Khyber Pakhtunkhwa" in tables  # casualties per province
    text = " ".join(outputs(executed, "text/plain"))
    assert "5 articles" in text and "HermiT: consistent" in text


def test_it_draws_the_network_and_the_chart(executed):
    assert len(outputs(executed, "image/png")) == 2
    frames = [h for h in outputs(executed, "text/html") if "<iframe" in h]
    assert len(frames) == 1 and "vis-network" in frames[0] and "Tehreek-e-Jihad Pakistan" in frames[0]
    assert "cdn.jsdelivr.net" not in frames[0] and "cdnjs.cloudflare.com" not in frames[0]  # works offline
