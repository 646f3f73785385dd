"""The Dask engine: worker processes sized to the cores, no dashboard, warmed workers, the pool's store."""

from __future__ import annotations

import os

import pytest

from docproc.batch import run_batch
from docproc.store import Store

dask_distributed = pytest.importorskip("dask.distributed")

NOTES = ["全年新建农村公路{n}公里,6月底前完成招标。(牵头单位:县交通运输局)",
         "改造老旧小区{n}个,年底前全部完工。(责任单位:县住建局)",
         "新增城镇就业岗位{n}个,城镇调查失业率控制在5.5%以内。"]


def _folder(tmp_path, n: int = 8):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        text = "2026年重点工作安排\n" + "\n".join(f"{k + 1}. " + s.format(n=10 * i + k + 3) for k, s in enumerate(NOTES))
        (folder / f"d{i}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_the_local_cluster_is_worker_processes_per_core_without_a_dashboard():
    from docproc.dask_engine import local_cluster

    with local_cluster() as cluster:
        assert len(cluster.workers) == (os.cpu_count() or 1)
        assert all(type(w).__name__ == "Nanny" for w in cluster.workers.values())  # processes, not threads
        assert all(w.nthreads == 1 for w in cluster.scheduler.workers.values())
        # the scheduler's own HTTP server answers /health, but no dashboard page is served
        port = cluster.scheduler.http_server.port if hasattr(cluster.scheduler.http_server, "port") else \
            cluster.scheduler.services["dashboard"].port
        assert port != 8787  # the default dashboard port is left free
        assert _status(f"http://127.0.0.1:{port}/health") == 200
        assert _status(f"http://127.0.0.1:{port}/status") == 404


def _status(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 (loopback, our own cluster)
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.slow
def test_without_a_scheduler_the_store_is_the_pools(tmp_path):
    folder = _folder(tmp_path)
    run_batch([folder], tmp_path / "pool.db", workers=2)
    run_batch([folder], tmp_path / "dask.db", engine="dask")
    assert Store(tmp_path / "pool.db").dump() == Store(tmp_path / "dask.db").dump()


@pytest.mark.slow
def test_workers_of_a_given_scheduler_are_warmed_once(tmp_path):
    from docproc.dask_engine import local_cluster

    folder = _folder(tmp_path, 4)
    with local_cluster(2) as cluster:
        run_batch([folder], tmp_path / "dask.db", engine="dask", scheduler=cluster.scheduler_address)
        with dask_distributed.Client(cluster) as client:
            def state(dask_worker):
                from docproc import resources

                return "docproc-warm" in dask_worker.plugins, resources.tokenizer().blocks_pending()

            assert set(client.run(state).values()) == {(True, 0)}  # the plugin ran: the whole dictionary read
    assert Store(tmp_path / "dask.db").dump()["documents"]
