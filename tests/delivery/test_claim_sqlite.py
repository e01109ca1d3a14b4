from datetime import timedelta

from bot.delivery.store import OutboxStore
from models import OutboxState
from tests.delivery.conftest import T0, enqueue_texts, rows


async def test_claim_is_exclusive_and_stale_claims_are_reclaimed_after_the_lease(db):
    await enqueue_texts(db, [1, 2, 3])
    await enqueue_texts(db, [4], prefix="future", due_at=T0 + timedelta(hours=1))
    store = OutboxStore(db)
    first = await store.claim(T0, 2, lease_seconds=60)
    assert [m.chat_id for m in first] == [1, 2]
    second = await store.claim(T0, 10, lease_seconds=60)
    assert [m.chat_id for m in second] == [3]  # not the claimed ones, not the future one
    assert await store.claim(T0 + timedelta(seconds=59), 10, lease_seconds=60) == []
    # the claimer died: after the lease the rows are taken again
    again = await store.claim(T0 + timedelta(seconds=61), 10, lease_seconds=60)
    assert sorted(m.chat_id for m in again) == [1, 2, 3]
    assert {r.state for r in await rows(db) if r.chat_id != 4} == {OutboxState.SENDING}


async def test_a_new_leader_requeues_interrupted_rows_at_once(db):
    await enqueue_texts(db, [1, 2])
    store = OutboxStore(db)
    await store.claim(T0, 10, lease_seconds=60)
    assert await store.recover_in_flight() == 2
    assert len(await store.claim(T0, 10, lease_seconds=60)) == 2
