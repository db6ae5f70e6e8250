"""Positions indexed by a child process are the ones indexed in-process."""

from __future__ import annotations

import os

import pytest
from conftest import EXAMPLES

from csplan.api import load_workspace
from csplan.workspace import prefetch as prefetch_module
from csplan.workspace.positions import index
from csplan.workspace.prefetch import prefetch_positions

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.fixture
def forking(monkeypatch):
    monkeypatch.setattr(prefetch_module, "MIN_FILES", 1)


def _files(ws):
    """Account files whose positions nobody has asked for yet (a file with a
    finding was indexed while loading)."""
    files = [ws.accounts[a].source.file for a in sorted(ws.accounts)]
    return [f for f in files if ws.sources[f]._positions is None]


def test_the_child_gives_every_file_the_index_the_parent_would_make(forking):
    ws = load_workspace(EXAMPLES / "replyhub").workspace
    files = _files(ws)
    assert len(files) >= 3
    stop = prefetch_positions(ws, files)
    try:
        # Asked out of order: later files wait in the parent until asked.
        for file in reversed(files):
            source = ws.sources[file]
            assert source.prefetch is not None
            got = source.positions()
            want = index(source.text)
            assert (got.documents, got.document_starts, got.stopped_at) == (
                want.documents,
                want.document_starts,
                want.stopped_at,
            )
            assert got.text == source.text
    finally:
        stop()


def test_a_stopped_child_leaves_each_file_to_be_indexed_in_process(forking):
    ws = load_workspace(EXAMPLES / "acme-mail").workspace
    files = _files(ws)
    stop = prefetch_positions(ws, files)
    stop()
    for file in files:
        source = ws.sources[file]
        assert source.positions().documents == index(source.text).documents


def test_no_child_for_a_few_files_or_beside_other_threads(monkeypatch):
    import threading

    ws = load_workspace(EXAMPLES / "acme-mail").workspace
    prefetch_positions(ws, _files(ws))()
    assert all(ws.sources[f].prefetch is None for f in _files(ws))
    monkeypatch.setattr(prefetch_module, "MIN_FILES", 1)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    prefetch_positions(ws, _files(ws))()
    assert all(ws.sources[f].prefetch is None for f in _files(ws))
