"""The copy Prefect tasks in a real flow run on a real Prefect server: values returned, artifacts published."""

from __future__ import annotations

import pytest

from tests.copy_fixtures import brand, naive_forecast


@pytest.mark.slow
def test_copy_tasks_pick_draft_and_check_in_a_flow(prefect_server: None) -> None:
    """Candidates -> drafts -> checked drafts inside a flow; the candidates and drafts tables are artifacts."""
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from stockgate.domain.generator import generate_retail_data
    from tasks.copy import check_copy, draft_copy_task, pick_copy_candidates

    data = generate_retail_data(n_series=24, n_days=90, seed=3)
    voice = brand()

    @flow
    def copy_flow() -> list:
        candidates = pick_copy_candidates(
            forecast=naive_forecast(data.sales), sales=data.sales, catalog=data.catalog, inventory=data.inventory,
            as_of=data.sales["date"].max().date(), brand=voice,
        )  # fmt: skip
        drafts = draft_copy_task(candidates, brand=voice, channels=("social",))
        return check_copy(drafts, brand=voice, recent=[{"sku": drafts[0].sku, "text": drafts[0].text}])

    checked = copy_flow()
    assert checked and all(d.channel == "social" and d.status == "ready" for d in checked)
    assert not next(c for c in checked[0].checks if c.name == "near_duplicate").passed
    with get_client(sync_client=True) as client:
        keys = ArtifactFilterKey(any_=["copy-candidates", "copy-drafts"])
        found = {a.key for a in client.read_artifacts(artifact_filter=ArtifactFilter(key=keys))}
    assert found == {"copy-candidates", "copy-drafts"}
